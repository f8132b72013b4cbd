import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GrokkingInspectorApi } from '../../src/extension/api';
import type { EpochRecord } from '../../src/shared/metrics';
import type { RunStatus } from '../../src/shared/run';

export const EXTENSION_ID = 'grokking-inspector.grokking-inspector';

/** A config small enough to train 30 epochs in a few seconds: 23² = 529 pairs, one hidden layer of 32. */
export const SMALL_CONFIG_YAML = [
  'task: modular-addition',
  'p: 23',
  'hiddenLayers: [32]',
  'epochs: 30',
  'batchSize: 64',
  'seed: 1',
  '',
].join('\n');

/** Activates the extension under test and returns the API its activate() returned. */
export async function activateApi(): Promise<GrokkingInspectorApi> {
  const extension = vscode.extensions.getExtension<GrokkingInspectorApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is not loaded in this extension host`);
  return extension.activate();
}

/** Creates an empty folder inside the test workspace, so each test's files and runs stay apart. */
export function makeTestFolder(name: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(root, 'the extension-host tests need a workspace folder; open one with ?folder=');
  return fs.mkdtempSync(path.join(root, `${name}-`));
}

export function writeFile(folder: string, name: string, text: string): vscode.Uri {
  const file = path.join(folder, name);
  fs.writeFileSync(file, text);
  return vscode.Uri.file(file);
}

/**
 * Resolves with the first value of `event` that `accept` takes. The listener is attached before `trigger` runs,
 * so an event fired during the trigger is not missed.
 */
export async function waitForEvent<T>(
  event: vscode.Event<T>,
  accept: (value: T) => boolean,
  description: string,
  timeoutMs: number,
  trigger?: () => unknown,
): Promise<T> {
  let subscription: vscode.Disposable | undefined;
  let timer: NodeJS.Timeout | undefined;
  const seen = new Promise<T>((resolve, reject) => {
    subscription = event((value) => {
      if (accept(value)) resolve(value);
    });
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${description}`)), timeoutMs);
  });
  try {
    await trigger?.();
    return await seen;
  } finally {
    subscription?.dispose();
    clearTimeout(timer);
  }
}

/**
 * Runs `trigger`, then waits until the diagnostics of `uri` contain one that `accept` takes, and returns it.
 * It checks after the trigger and on every diagnostics change, so a diagnostic published during the trigger counts.
 */
export function waitForDiagnostic(
  uri: vscode.Uri,
  accept: (diagnostic: vscode.Diagnostic) => boolean,
  timeoutMs: number,
  trigger: () => unknown,
): Promise<vscode.Diagnostic> {
  return new Promise((resolve, reject) => {
    const finish = (settle: () => void) => {
      subscription.dispose();
      clearTimeout(timer);
      settle();
    };
    const check = () => {
      const found = vscode.languages.getDiagnostics(uri).find(accept);
      if (found) finish(() => resolve(found));
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((change) => {
      if (change.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      const current = vscode.languages.getDiagnostics(uri).map((d) => d.message);
      finish(() => reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for a matching diagnostic on ${uri.fsPath}; diagnostics now: ${JSON.stringify(current)}`)));
    }, timeoutMs);
    Promise.resolve()
      .then(trigger)
      .then(check, (error: unknown) => finish(() => reject(error)));
  });
}

export function readMetrics(runDir: string): EpochRecord[] {
  const text = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as EpochRecord);
}

export function readStatus(runDir: string): RunStatus {
  return JSON.parse(fs.readFileSync(path.join(runDir, 'status.json'), 'utf8')) as RunStatus;
}

export function sameDir(a: string, b: string): boolean {
  return path.resolve(a) === path.resolve(b);
}
