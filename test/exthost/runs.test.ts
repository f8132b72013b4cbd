import './setup';
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GrokkingInspectorApi } from '../../src/extension/api';
import type { RunManifest } from '../../src/shared/run';
import { activateApi, makeTestFolder, readMetrics, readStatus, sameDir, SMALL_CONFIG_YAML, waitForEvent, writeFile } from './helpers';

const RUN_TIMEOUT_MS = 90_000;

/** Parameters of the p = 23, [32] MLP: a 2p two-hot input, 32 hidden units, p outputs, each layer with a bias. */
const SMALL_PARAMETER_COUNT = (2 * 23) * 32 + 32 + 32 * 23 + 23;

function epochsOf(runDir: string): number[] {
  return readMetrics(runDir).map((record) => record.epoch);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** Marks a promise as handled now, for one that is awaited only later and may reject first. */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

describe('runs', function () {
  this.timeout(RUN_TIMEOUT_MS + 30_000);
  let api: GrokkingInspectorApi;

  before(async () => {
    api = await activateApi();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('grokkingInspector').update('runsDirectory', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('trains a small config to the end', async () => {
    const folder = makeTestFolder('small-run');
    const config = writeFile(folder, 'small.grok.yaml', SMALL_CONFIG_YAML);
    let runDir = '';
    const finished = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'finished' && sameDir(e.runDir, runDir), 'the run to finish', RUN_TIMEOUT_MS));

    runDir = await api.startRun(config);
    await finished;

    assert.ok(sameDir(path.dirname(runDir), path.join(folder, 'runs')), `run folder ${runDir} is not in runs/ beside the config`);
    const records = readMetrics(runDir);
    assert.deepStrictEqual(records.map((r) => r.epoch), range(0, 30));
    for (const r of records) {
      assert.ok(Number.isFinite(r.trainLoss), `epoch ${r.epoch}: trainLoss ${r.trainLoss} is not finite`);
      assert.ok(r.trainLoss >= 0, `epoch ${r.epoch}: trainLoss ${r.trainLoss} is negative`);
      assert.ok(Number.isFinite(r.testLoss), `epoch ${r.epoch}: testLoss ${r.testLoss} is not finite`);
      assert.ok(r.testLoss >= 0, `epoch ${r.epoch}: testLoss ${r.testLoss} is negative`);
      for (const [name, accuracy] of [['trainAccuracy', r.trainAccuracy], ['testAccuracy', r.testAccuracy]] as const) {
        assert.ok(accuracy >= 0, `epoch ${r.epoch}: ${name} ${accuracy} is below 0`);
        assert.ok(accuracy <= 1, `epoch ${r.epoch}: ${name} ${accuracy} is above 1`);
      }
      assert.strictEqual(r.layerNorms.length, 2, `epoch ${r.epoch}: one norm per layer expected`);
      // The norm of all parameters is the root of the summed squared layer norms.
      const fromLayers = Math.sqrt(r.layerNorms.reduce((sum, n) => sum + n * n, 0));
      assert.ok(Math.abs(fromLayers - r.weightNorm) <= 1e-9 * r.weightNorm, `epoch ${r.epoch}: weightNorm ${r.weightNorm} vs ${fromLayers} from the layer norms`);
    }
    for (let i = 1; i < records.length; i++) {
      assert.ok(records[i].elapsedSeconds >= records[i - 1].elapsedSeconds, `elapsedSeconds decreases at epoch ${records[i].epoch}`);
    }

    const status = readStatus(runDir);
    assert.strictEqual(status.state, 'finished');
    assert.strictEqual(status.epoch, 30);
    const manifest = JSON.parse(fs.readFileSync(path.join(runDir, 'config.json'), 'utf8')) as RunManifest;
    assert.strictEqual(manifest.config.p, 23);
    assert.strictEqual(manifest.parameterCount, SMALL_PARAMETER_COUNT);
  });

  it('draws points in the live panel', async () => {
    const folder = makeTestFolder('panel-run');
    const config = writeFile(folder, 'panel.grok.yaml', SMALL_CONFIG_YAML);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(config));
    let runId = '';
    let runDir = '';
    const rendered = later(waitForEvent(api.onDidRender, (e) => e.points > 0 && e.runId === runId, 'the live panel to draw points', RUN_TIMEOUT_MS));
    const finished = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'finished' && sameDir(e.runDir, runDir), 'the run to finish', RUN_TIMEOUT_MS));

    runDir = await api.startRun(config);
    runId = path.basename(runDir);
    const render = await rendered;
    assert.ok(render.points > 0);
    await finished;
  });

  it('writes runs to runsDirectory', async () => {
    const folder = makeTestFolder('custom-dir');
    const config = writeFile(folder, 'custom.grok.yaml', SMALL_CONFIG_YAML);
    await vscode.workspace.getConfiguration('grokkingInspector').update('runsDirectory', 'custom-runs', vscode.ConfigurationTarget.Workspace);
    let runDir = '';
    const finished = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'finished' && sameDir(e.runDir, runDir), 'the run to finish', RUN_TIMEOUT_MS));

    runDir = await api.startRun(config, { epochs: 2 });
    await finished;

    assert.ok(sameDir(path.dirname(runDir), path.join(folder, 'custom-runs')), `run folder ${runDir} is not in custom-runs/ beside the config`);
    assert.deepStrictEqual(epochsOf(runDir), [0, 1, 2]);
  });

  it('stops a long run', async () => {
    const folder = makeTestFolder('stop-run');
    const config = writeFile(folder, 'long.grok.yaml', SMALL_CONFIG_YAML.replace('epochs: 30', 'epochs: 100000'));
    let runDir = '';
    const stopped = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'stopped' && sameDir(e.runDir, runDir), 'the run to stop', RUN_TIMEOUT_MS));

    runDir = await api.startRun(config);
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (epochsOf(runDir).length < 3 && Date.now() < deadline) await sleep(100);
    assert.ok(epochsOf(runDir).length >= 3, 'the run wrote fewer than 3 epochs before the stop');
    await api.stopRun(runDir);
    await stopped;

    const status = readStatus(runDir);
    assert.strictEqual(status.state, 'stopped');
    assert.strictEqual(status.epochs, 100000);
    const epochs = epochsOf(runDir);
    assert.deepStrictEqual(epochs, range(0, epochs.length - 1));
    assert.strictEqual(status.epoch, epochs[epochs.length - 1], 'status.json epoch is not the last epoch in metrics.jsonl');
    assert.ok(status.epoch < 100000);
  });

  it('resumes a stopped run in its folder', async () => {
    const folder = makeTestFolder('resume-run');
    const config = writeFile(folder, 'resume.grok.yaml', SMALL_CONFIG_YAML.replace('epochs: 30', 'epochs: 100000'));
    let runDir = '';
    const firstStop = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'stopped' && sameDir(e.runDir, runDir), 'the first stop', RUN_TIMEOUT_MS));
    runDir = await api.startRun(config);
    while (epochsOf(runDir).length < 5) await sleep(100);
    await api.stopRun(runDir);
    await firstStop;
    const before = epochsOf(runDir).length;

    const running = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'running' && sameDir(e.runDir, runDir), 'the resumed run to start', RUN_TIMEOUT_MS));
    await vscode.commands.executeCommand('grokkingInspector.resumeRun', runDir);
    await running;
    const deadline = Date.now() + RUN_TIMEOUT_MS;
    while (epochsOf(runDir).length < before + 5 && Date.now() < deadline) await sleep(100);
    const secondStop = later(waitForEvent(api.onDidChangeRunState, (e) => e.state === 'stopped' && sameDir(e.runDir, runDir), 'the second stop', RUN_TIMEOUT_MS));
    await api.stopRun(runDir);
    await secondStop;

    // Every epoch appears once, in order: the resume dropped the records after its checkpoint and retrained them.
    const epochs = epochsOf(runDir);
    assert.ok(epochs.length >= before + 5, `only ${epochs.length} epochs after the resume, ${before} before`);
    assert.deepStrictEqual(epochs, range(0, epochs.length - 1));
    assert.strictEqual(readStatus(runDir).state, 'stopped');
  });

  it('reports the max event-loop delay', () => {
    const delay = api.maxEventLoopDelayMs();
    console.log(`max event-loop delay of the extension host while runs trained: ${delay.toFixed(1)} ms`);
    assert.ok(Number.isFinite(delay), `maxEventLoopDelayMs() returned ${delay}`);
  });
});
