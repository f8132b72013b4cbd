import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IsingPersistedState, IsingViewSettings } from '../../shared/isingPanelProtocol';
import { messageHtml } from './html';
import { IsingRunSource } from './isingRunSource';
import { IsingPanel, type IsingPanelHost } from './isingRunPanel';
import { RETAIN_CONTEXT } from './runPanel';
import { webviewOptions } from './webviewPage';

export const ISING_PANEL_VIEW_TYPE = 'grokkingInspector.isingPanel';

/** Workspace-state key of the view settings, which every Ising panel shares. */
const SETTINGS_KEY = 'grokkingInspector.isingPanel.settings';
/**
 * Log x by default, as in the live panel, because the plateau before grokking only shows on a log epoch axis.
 * r̃ with the printed 1/|L| factor by default, because that is eq. 6 of arXiv 2502.01739 as published.
 */
const DEFAULT_SETTINGS: IsingViewSettings = { logX: true, scaled: true };

function persistedRunDir(state: unknown): string | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const runDir = (state as Partial<IsingPersistedState>).runDir;
  return typeof runDir === 'string' && runDir !== '' ? runDir : undefined;
}

/** The Ising features panels: at most one per run, restored after a window reload from the webview's saved state. */
export class IsingPanels implements vscode.Disposable, IsingPanelHost {
  private readonly panels = new Map<string, IsingPanel>();
  private readonly renderEmitter = new vscode.EventEmitter<{ runId: string; points: number }>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Fires on each `rendered` message from a webview, after its charts drew; `points` counts checkpoints. */
  readonly onDidRender = this.renderEmitter.event;

  /**
   * @param isLiveHere tells whether this window trains the run, because a run trained by a worker thread shares
   *   the host's process id and would otherwise read as a run whose trainer died.
   */
  constructor(
    readonly extensionUri: vscode.Uri,
    readonly log: vscode.LogOutputChannel,
    private readonly memento: vscode.Memento,
    private readonly isLiveHere: (runDir: string) => boolean,
  ) {
    this.disposables.push(
      this.renderEmitter,
      vscode.window.registerWebviewPanelSerializer(ISING_PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: (panel, state: unknown) => this.restore(panel, state),
      }),
    );
  }

  /**
   * Opens the panel of a run folder, or reveals it when it is open. Throws when the folder has no `config.json`
   * or trains another task.
   */
  show(runDir: string, column: vscode.ViewColumn): vscode.WebviewPanel {
    const dir = path.resolve(runDir);
    const open = this.panels.get(dir);
    if (open !== undefined) {
      open.panel.reveal(column);
      return open.panel;
    }
    const source = IsingRunSource.open(dir, this.log, this.isLiveHere);
    if (source === undefined) throw new Error(`No run found in ${dir}: config.json is missing.`);
    const panel = vscode.window.createWebviewPanel(ISING_PANEL_VIEW_TYPE, `Ising features: ${source.runId}`, column, {
      ...webviewOptions(this.extensionUri),
      retainContextWhenHidden: RETAIN_CONTEXT,
    });
    this.panels.set(dir, new IsingPanel(panel, source, this));
    return panel;
  }

  settings(): IsingViewSettings {
    const stored = this.memento.get<Partial<IsingViewSettings>>(SETTINGS_KEY, {});
    return {
      logX: typeof stored.logX === 'boolean' ? stored.logX : DEFAULT_SETTINGS.logX,
      scaled: typeof stored.scaled === 'boolean' ? stored.scaled : DEFAULT_SETTINGS.scaled,
    };
  }

  setSettings(settings: IsingViewSettings, from: IsingPanel): void {
    this.memento.update(SETTINGS_KEY, settings).then(undefined, (error: unknown) => {
      this.log.error(`[isingPanel] saving the view settings failed: ${String(error)}`);
    });
    for (const panel of this.panels.values()) if (panel !== from) panel.sendSettings(settings);
  }

  rendered(runId: string, points: number): void {
    this.renderEmitter.fire({ runId, points });
  }

  closed(panel: IsingPanel): void {
    for (const [dir, open] of this.panels) if (open === panel) this.panels.delete(dir);
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
      this.log.warn('[isingPanel] closed a restored panel without a saved run folder');
      panel.dispose();
      return;
    }
    const dir = path.resolve(runDir);
    let source: IsingRunSource | undefined;
    let failure = `Run folder not found: ${dir}. Close this panel, or restore the folder and reload the window.`;
    try {
      source = IsingRunSource.open(dir, this.log, this.isLiveHere);
    } catch (error) {
      failure = `Loading run ${dir} failed: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(`[isingPanel] loading run ${dir} for a restored panel failed: ${String(error)}`);
    }
    if (source === undefined) {
      this.log.warn(`[isingPanel] run folder ${dir} of a restored panel could not be shown`);
      panel.webview.options = { enableScripts: false };
      panel.webview.html = messageHtml(panel.webview.cspSource, failure);
      return;
    }
    if (this.panels.has(dir)) {
      source.dispose();
      panel.dispose();
      return;
    }
    this.log.info(`[isingPanel] restoring the panel of run ${source.runId}`);
    this.panels.set(dir, new IsingPanel(panel, source, this));
  }
}
