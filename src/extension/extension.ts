import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GrokkingInspectorApi } from './api';
import { registerCodeLens } from './codeLens';
import * as commands from './commands';
import { ConfigDiagnostics } from './configDiagnostics';
import { registerConfigLanguage } from './configLanguage';
import { DiskFeeds } from './diskFeeds';
import { IsingPanels } from './panel/isingPanel';
import { LivePanels } from './panel/livePanel';
import { RunManager } from './runManager';
import { RunStatusBar } from './statusBar';

export function activate(context: vscode.ExtensionContext): GrokkingInspectorApi {
  const log = vscode.window.createOutputChannel('Grokking Inspector', { log: true });
  const runs = new RunManager(path.join(context.extensionPath, 'dist', 'worker.js'), log);
  const disk = new DiskFeeds(log, (dir) => runs.isLive(dir));
  const resolveFeed = async (runDir: string) => runs.feed(runDir) ?? disk.open(runDir);
  const panels = new LivePanels(context.extensionUri, resolveFeed, log, context.workspaceState);
  const ising = new IsingPanels(context.extensionUri, log, context.workspaceState, (dir) => runs.isLive(dir));
  const diagnostics = new ConfigDiagnostics(log);
  const ctx: commands.CommandContext = { runs, disk, panels, ising, diagnostics, log };

  /** Runs a command, turning failures into a notification that names the problem and offers the log. */
  const guarded = <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) => async (...args: A): Promise<R | undefined> => {
    try {
      return await fn(...args);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof commands.UserError) {
        log.warn(`[${name}] ${message}`);
        void vscode.window.showWarningMessage(message);
        return undefined;
      }
      log.error(`[${name}] failed: ${err instanceof Error ? err.stack ?? message : message}`);
      const choice = await vscode.window.showErrorMessage(`Grokking Inspector: ${message}`, 'Show Log');
      if (choice === 'Show Log') log.show();
      return undefined;
    }
  };

  runs.onDidChangeRunState(async ({ runDir, state, reason }) => {
    if (state !== 'failed') return;
    const choice = await vscode.window.showErrorMessage(`Run ${path.basename(runDir)} failed: ${reason ?? 'unknown reason'}`, 'Show Log', 'Resume');
    if (choice === 'Show Log') log.show();
    if (choice === 'Resume') void vscode.commands.executeCommand('grokkingInspector.resumeRun', runDir);
  }, undefined, context.subscriptions);

  context.subscriptions.push(
    log,
    runs,
    disk,
    panels,
    ising,
    diagnostics,
    new RunStatusBar(runs),
    registerCodeLens(runs),
    registerConfigLanguage(),
    vscode.commands.registerCommand('grokkingInspector.startRun', guarded('start', (uri?: vscode.Uri) => commands.startRun(ctx, uri))),
    vscode.commands.registerCommand('grokkingInspector.stopRun', guarded('stop', (runDir?: string) => commands.stopRun(ctx, runDir))),
    vscode.commands.registerCommand('grokkingInspector.resumeRun', guarded('resume', (runDir?: string) => commands.resumeRun(ctx, runDir))),
    vscode.commands.registerCommand('grokkingInspector.showPanel', guarded('panel', (runDir?: string) => commands.showPanel(ctx, runDir))),
    vscode.commands.registerCommand('grokkingInspector.showIsingPanel', guarded('ising', (runDir?: string) => commands.showIsingPanel(ctx, runDir))),
    vscode.commands.registerCommand('grokkingInspector.showLog', () => log.show()),
  );
  log.info(`Grokking Inspector ${context.extension.packageJSON.version} activated`);

  return {
    startRun: async (config, overrides) => {
      const runDir = await commands.startRun(ctx, config, overrides);
      if (!runDir) throw new Error(`No run was started for ${config.fsPath}; see the Problems panel.`);
      return runDir;
    },
    stopRun: async (runDir) => {
      const dir = runDir ?? runs.liveFeeds().at(-1)?.runDir;
      if (dir) await runs.stop(dir);
    },
    onDidRender: panels.onDidRender,
    onDidRenderIsing: ising.onDidRender,
    onDidChangeRunState: runs.onDidChangeRunState,
    maxEventLoopDelayMs: () => runs.maxEventLoopDelayMs(),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions; live workers are terminated by RunManager.dispose.
}
