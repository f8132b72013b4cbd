import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IsingViewSettings } from '../../shared/isingPanelProtocol';
import { IsingRunSource } from './isingRunSource';
import { IsingPanel, type IsingPanelHost } from './isingRunPanel';
import { PanelRegistry } from './panelRegistry';
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

/**
 * The Ising features panels: at most one per resolved run folder, restored after a window reload from the
 * webview's saved state. The `points` of `onDidRender` count checkpoints.
 */
export class IsingPanels extends PanelRegistry<IsingPanel, IsingViewSettings> implements IsingPanelHost {
  /**
   * @param isLiveHere returns whether this window trains the run, because a run trained by a worker thread shares
   *   the host's process id and would otherwise read as a run whose trainer died.
   */
  constructor(
    readonly extensionUri: vscode.Uri,
    log: vscode.LogOutputChannel,
    memento: vscode.Memento,
    private readonly isLiveHere: (runDir: string) => boolean,
  ) {
    super(ISING_PANEL_VIEW_TYPE, 'isingPanel', log, memento);
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
    this.opened(dir, new IsingPanel(panel, source, this));
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
    this.storeSettings(SETTINGS_KEY, settings, 'the view settings', settings, from);
  }

  protected async reopen(panel: vscode.WebviewPanel, runDir: string): Promise<void> {
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
      this.showFailure(panel, failure);
      return;
    }
    if (this.panels.has(dir)) {
      source.dispose();
      panel.dispose();
      return;
    }
    this.log.info(`[isingPanel] restoring the panel of run ${source.runId}`);
    this.opened(dir, new IsingPanel(panel, source, this));
  }
}
