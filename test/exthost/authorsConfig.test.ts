import './setup';
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, makeTestFolder, readMetrics, sameDir, waitForDiagnostic, waitForEvent, writeFile } from './helpers';

const TIMEOUT_MS = 90_000;

/** A config in the key format of the code released with arXiv 2502.01739, shrunk to p = 23 so it trains in seconds. */
const AUTHORS_CONFIG = [
  'data_seed_start: 0',
  'data_seed_end: 3',
  'weight_decay: 3e-5',
  'learning_rate: !!float 5e-3',
  'hiddenlayers_input: [32]',
  'train_type: Mod',
  'P: 23',
  'train_fraction: 0.7',
  'weight_multiplier: 1.0',
  'epochs: 5',
  'loss_criterion: CrossEntropy',
  'optimiser_name: Adam',
  'bs: 64',
  'save_interval: 200',
  'all_seeds_same: true',
  '',
].join('\n');

describe("the authors' configs", function () {
  this.timeout(TIMEOUT_MS + 30_000);

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('warns about unused keys and trains', async () => {
    const api = await activateApi();
    const folder = makeTestFolder('authors-config');
    const uri = writeFile(folder, 'mod_config_grok.yaml', AUTHORS_CONFIG);
    // save_interval is on line 13 (0-based).
    const warning = await waitForDiagnostic(uri, (d) => d.message.includes('save_interval'), 20_000, async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    });
    assert.strictEqual(warning.severity, vscode.DiagnosticSeverity.Warning);
    assert.strictEqual(warning.range.start.line, 13);

    let runDir = '';
    const finished = waitForEvent(api.onDidChangeRunState, (e) => e.state === 'finished' && sameDir(e.runDir, runDir), 'the run to finish', TIMEOUT_MS);
    finished.catch(() => undefined);
    runDir = await api.startRun(uri);
    await finished;
    assert.deepStrictEqual(readMetrics(runDir).map((r) => r.epoch), [0, 1, 2, 3, 4, 5]);
  });
});
