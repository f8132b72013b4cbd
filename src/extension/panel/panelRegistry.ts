import * as vscode from 'vscode';
import { messageHtml } from './html';

/** Open panel, as a registry uses it. */
export interface RegisteredPanel<Settings> extends vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly runDir: string;
  sendSettings(settings: Settings): void;
}

/** Returns the run folder a webview saved with `setState`, or undefined when the state has none. */
function persistedRunDir(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const runDir = (state as { runDir?: unknown }).runDir;
  return typeof runDir === 'string' && runDir !== '' ? runDir : undefined;
}

/**
 * The open panels of one view type, at most one per key, restored after a window reload from the run folder
 * their webviews saved. View settings are stored in workspace state and shared by every panel of the type.
 */
export abstract class PanelRegistry<Panel extends RegisteredPanel<Settings>, Settings> implements vscode.Disposable {
  protected readonly panels = new Map<string, Panel>();
  private readonly renderEmitter = new vscode.EventEmitter<{ runId: string; points: number }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires on each `rendered` message from a webview, after its charts drew. `points` is the count that message carries. */
  readonly onDidRender = this.renderEmitter.event;

  /** @param tag log prefix without brackets, such as `livePanel`. */
  /** Set while the registry disposes its panels at shutdown, when closing a panel must not forget its run. */
  private disposing = false;
  /** Workspace-state key of the run folders of open panels, the fallback for a panel restored without state. */
  private readonly openRunsKey: string;

  constructor(
    viewType: string,
    protected readonly tag: string,
    readonly log: vscode.LogOutputChannel,
    protected readonly memento: vscode.Memento,
  ) {
    this.openRunsKey = `${viewType}.openRunDirs`;
    this.disposables.push(
      this.renderEmitter,
      vscode.window.registerWebviewPanelSerializer(viewType, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  rendered(runId: string, points: number): void {
    this.renderEmitter.fire({ runId, points });
  }

  closed(panel: Panel): void {
    for (const [key, open] of this.panels) if (open === panel) this.panels.delete(key);
    if (!this.disposing) this.setOpenRuns(this.openRuns().filter((dir) => dir !== panel.runDir));
  }

  /** Returns the editor column of the open panel of a run folder, if there is one. */
  columnOf(runDir: string): vscode.ViewColumn | undefined {
    for (const panel of this.panels.values()) if (panel.runDir === runDir) return panel.panel.viewColumn;
    return undefined;
  }

  /** Registers an opened panel and remembers its run folder for a window reload. */
  protected opened(key: string, panel: Panel): void {
    this.panels.set(key, panel);
    if (!this.openRuns().includes(panel.runDir)) this.setOpenRuns([...this.openRuns(), panel.runDir]);
  }

  private openRuns(): string[] {
    return this.memento.get<string[]>(this.openRunsKey, []);
  }

  private setOpenRuns(dirs: string[]): void {
    this.memento.update(this.openRunsKey, dirs).then(undefined, (error: unknown) => {
      this.log.error(`[${this.tag}] saving the open panels failed: ${String(error)}`);
    });
  }

  dispose(): void {
    this.disposing = true;
    for (const panel of [...this.panels.values()]) panel.dispose();
    this.panels.clear();
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
  }

  /** Opens a restored `panel` on the run in `runDir`, a folder its webview saved before a window reload. */
  protected abstract reopen(panel: vscode.WebviewPanel, runDir: string): Promise<void>;

  /** Replaces a restored panel's page with `text`, for a run that cannot be shown. */
  protected showFailure(panel: vscode.WebviewPanel, text: string): void {
    panel.webview.options = { enableScripts: false };
    panel.webview.html = messageHtml(panel.webview.cspSource, text);
  }

  /**
   * Saves `value` under `key` and sends `settings` to every open panel but `from`, which already shows them.
   * @param what names the setting in the error log.
   */
  protected storeSettings(key: string, value: unknown, what: string, settings: Settings, from: Panel): void {
    this.memento.update(key, value).then(undefined, (error: unknown) => {
      this.log.error(`[${this.tag}] saving ${what} failed: ${String(error)}`);
    });
    for (const panel of this.panels.values()) if (panel !== from) panel.sendSettings(settings);
  }

  private async restore(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    // VS Code sometimes restores a webview without the state it saved (seen in reload tests on code-server
    // 4.139.1), so the run folders the host remembers are the fallback.
    const open = new Set([...this.panels.values()].map((p) => p.runDir));
    const saved = persistedRunDir(state);
    const runDir = saved ?? this.openRuns().find((dir) => !open.has(dir));
    if (saved === undefined && runDir !== undefined) this.log.info(`[${this.tag}] a restored panel had no saved state; reopening ${runDir}`);
    if (runDir === undefined) {
      this.log.warn(`[${this.tag}] closed a restored panel without a saved run folder (state ${JSON.stringify(state)?.slice(0, 200)})`);
      panel.dispose();
      return;
    }
    await this.reopen(panel, runDir);
  }
}
