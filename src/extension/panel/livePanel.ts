import * as vscode from 'vscode';
import type { PanelViewSettings } from '../../shared/protocol';
import type { RunFeed, RunFeedResolver } from '../runFeed';
import { PanelRegistry } from './panelRegistry';
import { RETAIN_CONTEXT, RunPanel, type RunPanelHost } from './runPanel';
import { webviewOptions } from './webviewPage';

export const LIVE_PANEL_VIEW_TYPE = 'grokkingInspector.livePanel';

/** Workspace-state key of the log-x preference, which every live panel shares. */
const LOG_X_KEY = 'grokkingInspector.livePanel.logX';
/** Log x is the default because the grokking plateau is only visible on a log epoch axis. */
const DEFAULT_LOG_X = true;

/** The live training panels: at most one per run id, restored after a window reload from the webview's saved state. */
export class LivePanels extends PanelRegistry<RunPanel, PanelViewSettings> implements RunPanelHost {
  constructor(
    readonly extensionUri: vscode.Uri,
    private readonly resolveFeed: RunFeedResolver,
    log: vscode.LogOutputChannel,
    memento: vscode.Memento,
  ) {
    super(LIVE_PANEL_VIEW_TYPE, 'livePanel', log, memento);
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
    this.opened(feed.runId, new RunPanel(panel, feed, this));
    return panel;
  }

  settings(): PanelViewSettings {
    return { logX: this.memento.get<boolean>(LOG_X_KEY, DEFAULT_LOG_X) };
  }

  setLogX(logX: boolean, from: RunPanel): void {
    this.storeSettings(LOG_X_KEY, logX, 'the log-x setting', { logX }, from);
  }

  protected async reopen(panel: vscode.WebviewPanel, runDir: string): Promise<void> {
    let feed: RunFeed | undefined;
    try {
      feed = await this.resolveFeed(runDir);
    } catch (error) {
      this.log.error(`[livePanel] loading run ${runDir} for a restored panel failed: ${String(error)}`);
    }
    if (feed === undefined) {
      this.log.warn(`[livePanel] run folder ${runDir} of a restored panel was not found`);
      this.showFailure(panel, `Run folder not found: ${runDir}. Close this panel, or restore the folder and reload the window.`);
      return;
    }
    const open = this.panels.get(feed.runId);
    if (open !== undefined) {
      panel.dispose();
      open.replaceFeed(feed);
      return;
    }
    this.log.info(`[livePanel] restoring the panel of run ${feed.runId}`);
    this.opened(feed.runId, new RunPanel(panel, feed, this));
  }
}
