import './setup';
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateApi, makeTestFolder, waitForDiagnostic, writeFile } from './helpers';

const DIAGNOSTIC_TIMEOUT_MS = 20_000;

/** Unquoted numbers in a message, e.g. `1.0e-4` in `write 1.0e-4.`, but not `"1e-4"`. */
function unquotedNumbers(message: string): number[] {
  const matches = message.match(/(?<!["\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?!["\w])/g) ?? [];
  return matches.map(Number);
}

describe('config diagnostics', () => {
  let folder: string;

  before(async () => {
    await activateApi();
    folder = makeTestFolder('diagnostics');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('names a negative YAML learningRate', async () => {
    // learningRate is on line 3 (0-based) of this file.
    const uri = writeFile(folder, 'negative-rate.grok.yaml', 'task: modular-addition\np: 23\nhiddenLayers: [32]\nlearningRate: -1\nepochs: 30\n');
    const diagnostic = await waitForDiagnostic(uri, (d) => d.message.includes('learningRate'), DIAGNOSTIC_TIMEOUT_MS, async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    });

    assert.match(diagnostic.message, /-1\b/, `the message does not name the value -1: ${diagnostic.message}`);
    assert.strictEqual(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(diagnostic.range.start.line, 3);
  });

  it('suggests unquoting a JSON number', async () => {
    // learningRate is on line 2 (0-based) of this file.
    const text = '{\n  "p": 23,\n  "learningRate": "1e-4",\n  "epochs": 30\n}\n';
    const uri = writeFile(folder, 'quoted-rate.grok.json', text);
    const diagnostic = await waitForDiagnostic(uri, (d) => d.message.includes('learningRate'), DIAGNOSTIC_TIMEOUT_MS, async () => {
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    });

    assert.match(diagnostic.message, /quote/i, `the message does not mention the quotes: ${diagnostic.message}`);
    const suggested = unquotedNumbers(diagnostic.message);
    assert.ok(suggested.includes(1e-4), `the message suggests no unquoted number equal to 1e-4: ${diagnostic.message}`);
    assert.strictEqual(diagnostic.range.start.line, 2);
  });

  it('clears the diagnostic once fixed', async () => {
    const uri = writeFile(folder, 'fixed-rate.grok.yaml', 'p: 23\nlearningRate: -1\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    await waitForDiagnostic(uri, (d) => d.message.includes('learningRate'), DIAGNOSTIC_TIMEOUT_MS, () => undefined);

    const line = editor.document.lineAt(1);
    await editor.edit((edit) => edit.replace(line.range, 'learningRate: 0.001'));
    // Validation waits for typing to pause, so poll until the diagnostics go away or the time runs out.
    const deadline = Date.now() + DIAGNOSTIC_TIMEOUT_MS;
    while (vscode.languages.getDiagnostics(uri).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepStrictEqual(vscode.languages.getDiagnostics(uri).map((d) => d.message), []);
  });
});
