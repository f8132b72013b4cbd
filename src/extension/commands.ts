import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigLoadResult } from '../shared/config/load';
import { CONFIG_GLOB, isConfigDocument } from './configFiles';
import type { ConfigDiagnostics } from './configDiagnostics';
import type { DiskFeeds } from './diskFeeds';
import type { IsingPanels } from './panel/isingPanel';
import type { LivePanels } from './panel/livePanel';
import type { RecordFeed } from './runFeeds';
import type { RunManager } from './runManager';
import { findRunFolders, runsRootFor } from './runsLocation';

/** Raised for problems the user can fix; shown as a plain notification rather than as a failure of the extension. */
export class UserError extends Error {}

export interface CommandContext {
  runs: RunManager;
  disk: DiskFeeds;
  panels: LivePanels;
  ising: IsingPanels;
  diagnostics: ConfigDiagnostics;
  log: vscode.LogOutputChannel;
}

async function pickConfig(): Promise<vscode.Uri | undefined> {
  const active = vscode.window.activeTextEditor?.document;
  if (active && isConfigDocument(active)) return active.uri;
  const uris = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 500);
  if (uris.length === 0) {
    throw new UserError('No config file found. Create a file named like my-run.grok.yaml (see the examples folder), then run this command again.');
  }
  if (uris.length === 1) return uris[0];
  const picked = await vscode.window.showQuickPick(
    uris.map((u) => ({ label: path.basename(u.fsPath), description: vscode.workspace.asRelativePath(u), uri: u })),
    { placeHolder: 'Config to train' },
  );
  return picked?.uri;
}

/** Starts a run of a config file and opens its live panel beside the config. */
export async function startRun(ctx: CommandContext, uri?: vscode.Uri, overrides: { epochs?: number } = {}): Promise<string | undefined> {
  const configUri = uri instanceof vscode.Uri ? uri : await pickConfig();
  if (!configUri) return undefined;
  const doc = await vscode.workspace.openTextDocument(configUri);
  if (!isConfigDocument(doc)) {
    throw new UserError(`${path.basename(configUri.fsPath)} is not a config file: name it *.grok.yaml or *.grok.json, or give it the train_type key of the paper's released configs.`);
  }
  // The run records the config as saved, so unsaved edits are saved first.
  if (doc.isDirty) await doc.save();
  const loaded = ctx.diagnostics.validateDocument(doc) as ConfigLoadResult;
  if (!loaded.config) {
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const where = first ? `line ${first.range.start.line + 1}: ${first.message}` : '';
    ctx.log.warn(`[run] not started: ${configUri.fsPath} has ${errors.length} error(s); ${where}`);
    const choice = await vscode.window.showErrorMessage(
      `${path.basename(configUri.fsPath)} has ${errors.length} error(s), so no run was started. ${where}`,
      'Show Problems',
    );
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
    return undefined;
  }
  const feed = await ctx.runs.start({
    config: loaded.config,
    configPath: configUri.fsPath,
    seedDrawn: loaded.seedDrawn,
    runsRoot: runsRootFor(configUri),
    epochs: overrides.epochs,
  });
  const live = ctx.panels.show(feed, vscode.ViewColumn.Beside);
  // The features panel joins the live panel's group as a second tab, so the config keeps half the window.
  if (feed.config.task === 'ising') ctx.ising.show(feed.runDir, live.viewColumn ?? vscode.ViewColumn.Beside);
  return feed.runDir;
}

async function pickLiveRun(ctx: CommandContext): Promise<RecordFeed | undefined> {
  const live = ctx.runs.liveFeeds();
  if (live.length === 0) {
    void vscode.window.showInformationMessage('No Grokking run is training in this window.');
    return undefined;
  }
  if (live.length === 1) return live[0];
  const picked = await vscode.window.showQuickPick(
    live.map((f) => ({ label: f.runId, description: `epoch ${f.records().at(-1)?.epoch ?? 0}/${f.config.epochs}`, feed: f })),
    { placeHolder: 'Run to stop' },
  );
  return picked?.feed;
}

export async function stopRun(ctx: CommandContext, runDir?: string): Promise<void> {
  const dir = typeof runDir === 'string' ? runDir : (await pickLiveRun(ctx))?.runDir;
  if (!dir) return;
  await ctx.runs.stop(dir);
}

async function pickRunFolder(ctx: CommandContext, placeHolder: string, filter: (state: string) => boolean): Promise<string | undefined> {
  const dirs = await findRunFolders();
  const items = dirs
    .map((dir) => ({ dir, status: ctx.runs.status(dir) }))
    .filter((x) => x.status && filter(x.status.state))
    .map((x) => ({ label: path.basename(x.dir), description: `${x.status!.state} at epoch ${x.status!.epoch}/${x.status!.epochs}`, detail: x.status!.reason, dir: x.dir }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No matching run folders were found in this workspace.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.dir;
}

/** Continues a stopped or failed run from its last checkpoint, in the same folder. */
export async function resumeRun(ctx: CommandContext, runDir?: string): Promise<string | undefined> {
  const dir = typeof runDir === 'string' ? runDir : await pickRunFolder(ctx, 'Run to resume', (s) => s === 'stopped' || s === 'failed');
  if (!dir) return undefined;
  if (ctx.runs.isLive(dir)) throw new UserError(`${path.basename(dir)} is already training.`);
  const status = ctx.runs.status(dir);
  if (status?.state === 'running') throw new UserError(`${path.basename(dir)} is training in another process (pid ${status.pid}); stop it there first.`);
  if (status?.state === 'finished') throw new UserError(`${path.basename(dir)} has finished all its epochs; start a new run instead.`);
  ctx.disk.forget(dir);
  const feed = await ctx.runs.start({ resumeDir: dir });
  ctx.panels.show(feed, vscode.ViewColumn.Beside);
  return feed.runDir;
}

/** Opens the live panel of a run: the live feed when this window trains it, else the folder's records. */
export async function showPanel(ctx: CommandContext, runDir?: string): Promise<void> {
  const dir = typeof runDir === 'string' ? runDir : await pickRunFolder(ctx, 'Run to show', () => true);
  if (!dir) return;
  const feed = ctx.runs.feed(dir) ?? ctx.disk.open(dir);
  if (!feed) throw new UserError(`${dir} is not a run folder: it has no config.json.`);
  ctx.panels.show(feed, vscode.ViewColumn.Beside);
}

/** Opens the Ising features panel of a run: correlations of the network's units with E, M and |M|. */
export async function showIsingPanel(ctx: CommandContext, runDir?: string): Promise<void> {
  const dir = typeof runDir === 'string' ? runDir : await pickRunFolder(ctx, 'Ising run to show', () => true);
  if (!dir) return;
  try {
    // Beside the live panel of the run when it is open, as a second tab, else beside the active editor.
    ctx.ising.show(dir, ctx.panels.columnOf(dir) ?? vscode.ViewColumn.Beside);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
}
