import './setup';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateApi, makeTestFolder, readMetrics, sameDir, waitForEvent, writeFile } from './helpers';

const TIMEOUT_MS = 120_000;

/** A small Ising run: an 8×8 lattice, 4 temperatures × 40 snapshots, a checkpoint every 20 of 60 epochs. */
const SMALL_ISING = [
  'task: ising',
  'lattice: 8',
  'sweeps: 20',
  'temperatureCount: 4',
  'samplesPerTemperature: 40',
  'trainSize: 60',
  'testSize: 60',
  'learningRate: 1e-3',
  'epochs: 60',
  'seed: 0',
  'checkpoints:',
  '  everyEpochUntil: 0',
  '  thenEvery: 20',
  '',
].join('\n');

describe('Ising runs', function () {
  this.timeout(TIMEOUT_MS + 30_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('trains and draws the features panel', async () => {
    const api = await activateApi();
    const folder = makeTestFolder('ising-run');
    const config = writeFile(folder, 'small-ising.grok.yaml', SMALL_ISING);
    let runDir = '';
    const finished = waitForEvent(api.onDidChangeRunState, (e) => e.state === 'finished' && sameDir(e.runDir, runDir), 'the Ising run to finish', TIMEOUT_MS);
    finished.catch(() => undefined);
    runDir = await api.startRun(config);
    await finished;

    assert.deepStrictEqual(readMetrics(runDir).map((r) => r.epoch).slice(-1), [60]);
    const featureLines = fs.readFileSync(path.join(runDir, 'features.jsonl'), 'utf8').split('\n').filter(Boolean);
    // Checkpoints at epochs 0, 20, 40 and 60 each get one feature record.
    assert.deepStrictEqual(featureLines.map((l) => JSON.parse(l).epoch), [0, 20, 40, 60]);
    assert.ok(fs.existsSync(path.join(runDir, 'samples.json')), 'samples.json is missing');

    const drawn = waitForEvent(api.onDidRenderIsing, (e) => e.points === 4 && runDir.endsWith(e.runId), 'the Ising panel to draw 4 checkpoints', 30_000);
    await vscode.commands.executeCommand('grokkingInspector.showIsingPanel', runDir);
    const event = await drawn;
    assert.strictEqual(event.points, 4);
  });
});
