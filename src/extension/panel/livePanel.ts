import * as vscode from 'vscode';
import type { PanelViewSettings, WebviewPersistedState } from '../../shared/protocol';
import type { RunFeed, RunFeedResolver } from '../runFeed';
import { messageHtml } from './html';
import { RETAIN_CONTEXT, RunPanel, type RunPanelHost } from './runPanel';
import { webviewOptions } from './webviewPage';

export const LIVE_PANEL_VIEW_TYPE = 'grokkingInspector.livePanel';

/** Workspace-state key of the log-x preference, which every live panel shares. */
const LOG_X_KEY = 'grokkingInspector.livePanel.logX';
/** Log x is the default because the grokking plateau is only visible on a log epoch axis. */
const DEFAULT_LOG_X = true;

function persistedRunDir(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const runDir = (state as Partial<WebviewPersistedState>).runDir;
  return typeof runDir === 'string' && runDir !== '' ? runDir : undefined;
}

/** The live training panels: at most one per run, restored after a window reload from the webview's saved state. */
export class LivePanels implements vscode.Disposable, RunPanelHost {
  private readonly panels = new Map<string, RunPanel>();
  private readonly renderEmitter = new vscode.EventEmitter<{ runId: string; points: number }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires on each `rendered` message from a webview, after its charts drew. */
  readonly onDidRender = this.renderEmitter.event;

  constructor(
    readonly extensionUri: vscode.Uri,
    private readonly resolveFeed: RunFeedResolver,
    readonly log: vscode.LogOutputChannel,
    private readonly memento: vscode.Memento,
  ) {
    this.disposables.push(
      this.renderEmitter,
      vscode.window.registerWebviewPanelSerializer(LIVE_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  show(feed: RunFeed, column: vscode.ViewColumn): vscode.WebviewPanel {
    const open = this.panels.get(feed.runId);
    if (open !== undefined) {
      open.replaceFeed(feed);
      open.panel.reveal(column);
      return open.panel;
    }
    const panel = vscode.window.createWebviewPanel(LIVE_PANEL_VIEW_TYPE, `Grokking: ${feed.info().title}`, column, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: RETAIN_CONTEXT,
    });
    this.panels.set(feed.runId, new RunPanel(panel, feed, this));
    return panel;
  }

  settings(): PanelViewSettings {
    return { logX: this.memento.get<boolean>(LOG_X_KEY, DEFAULT_LOG_X) };
  }

  setLogX(logX: boolean, from: RunPanel): void {
    this.memento.update(LOG_X_KEY, logX).then(undefined, (error: unknown) => {
      this.log.error(`[livePanel] saving the log-x setting failed: ${String(error)}`);
    });
    for (const panel of this.panels.values()) if (panel !== from) panel.sendSettings({ logX });
  }

  rendered(runId: string, points: number): void {
    this.renderEmitter.fire({ runId, points });
  }

  closed(panel: RunPanel): void {
    if (this.panels.get(panel.runId) === panel) this.panels.delete(panel.runId);
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const runDir = persistedRunDir(state);
    if (runDir === undefined) {
      this.log.warn('[livePanel] closed a restored panel without a saved run folder');
      panel.dispose();
      return;
    }
    let feed: RunFeed | undefined;
    try {
      feed = await this.resolveFeed(runDir);
    } catch (error) {
      this.log.error(`[livePanel] loading run ${runDir} for a restored panel failed: ${String(error)}`);
    }
    if (feed === undefined) {
      this.log.warn(`[livePanel] run folder ${runDir} of a restored panel was not found`);
      panel.webview.options = { enableScripts: false };
      panel.webview.html = messageHtml(panel.webview.cspSource, `Run folder not found: ${runDir}. Close this panel, or restore the folder and reload the window.`);
      return;
    }
    const open = this.panels.get(feed.runId);
    if (open !== undefined) {
      panel.dispose();
      open.replaceFeed(feed);
      return;
    }
    this.log.info(`[livePanel] restoring the panel of run ${feed.runId}`);
    this.panels.set(feed.runId, new RunPanel(panel, feed, this));
  }
}
