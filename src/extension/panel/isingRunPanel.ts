import * as vscode from 'vscode';
import type { IsingFeatureRecord } from '../../shared/isingFeatures';
import type { IsingHostMessage, IsingScatterSeries, IsingViewSettings, IsingWebviewMessage } from '../../shared/isingPanelProtocol';
import { isIsingWebviewMessage } from '../../shared/isingPanelProtocol';
import type { IsingRunSource } from './isingRunSource';
import { RETAIN_CONTEXT } from './runPanel';
import { SeqDelivery } from './seqDelivery';
import { bundlePageHtml, webviewOptions } from './webviewPage';

/** Shortest time between two `append` messages, as in the live panel: at most four redraws per second. */
const FLUSH_INTERVAL_MS = 250;

export interface IsingPanelHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  settings(): IsingViewSettings;
  setSettings(settings: IsingViewSettings, from: IsingPanel): void;
  rendered(runId: string, points: number): void;
  closed(panel: IsingPanel): void;
}

function isViewSettings(value: unknown): value is IsingViewSettings {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<IsingViewSettings>;
  return typeof v.logX === 'boolean' && typeof v.scaled === 'boolean';
}

/** One open Ising features panel: feeds the webview from a run folder under the delivery rules of its contract. */
export class IsingPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly delivery: SeqDelivery<IsingHostMessage, IsingFeatureRecord>;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly source: IsingRunSource,
    private readonly host: IsingPanelHost,
  ) {
    panel.webview.options = webviewOptions(host.extensionUri);
    this.delivery = new SeqDelivery<IsingHostMessage, IsingFeatureRecord>(
      {
        init: (seq) => this.init(seq),
        append: (seq, records) => ({ type: 'append', seq, runId: source.runId, records, times: source.times() }),
      },
      RETAIN_CONTEXT,
    );
    this.delivery.setVisible(panel.visible);
    this.disposables.push(
      source,
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((event) => this.post(this.delivery.setVisible(event.webviewPanel.visible))),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      source.onDidAppend((records) => {
        this.delivery.buffer(records);
        this.scheduleFlush();
      }),
      source.onDidReset(() => {
        this.delivery.resync();
        this.scheduleFlush();
      }),
      source.onDidChangeTimes((times) => this.post(this.delivery.event((seq) => ({ type: 'times', seq, runId: source.runId, times })))),
      source.onDidChangeState(({ state, reason }) =>
        this.post(this.delivery.event((seq) => ({ type: 'status', seq, runId: source.runId, state, ...(reason === undefined ? {} : { reason }) }))),
      ),
    );
    panel.webview.html = bundlePageHtml(panel.webview, host.extensionUri, 'ising', source.info().title);
    host.log.info(`[isingPanel] opened run ${source.runId} (${source.runDir}): ${source.records().length} feature records`);
  }

  get runId(): string {
    return this.source.runId;
  }

  sendSettings(settings: IsingViewSettings): void {
    this.post(this.delivery.event((seq) => ({ type: 'settings', seq, settings })));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.host.log.info(`[isingPanel] closed run ${this.source.runId}`);
    this.host.closed(this);
  }

  private init(seq: number): { message: IsingHostMessage; lastEpoch: number } {
    const records = [...this.source.records()];
    const last = records[records.length - 1];
    let scatter: IsingScatterSeries | null = null;
    if (last !== undefined) {
      try {
        scatter = this.source.scatter(last.epoch);
      } catch (error) {
        this.host.log.warn(`[isingPanel] run ${this.runId}: scatter of epoch ${last.epoch} not read: ${String(error)}`);
      }
    }
    const message: IsingHostMessage = {
      type: 'init',
      seq,
      run: this.source.info(),
      records,
      times: this.source.times(),
      samples: this.source.samples(),
      scatter,
      settings: this.host.settings(),
      warnings: [...this.source.warnings()],
    };
    return { message, lastEpoch: last === undefined ? -Infinity : last.epoch };
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.disposed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.post(this.delivery.flush());
    }, FLUSH_INTERVAL_MS);
  }

  private sendScatter(epoch: unknown): void {
    if (typeof epoch !== 'number' || !Number.isInteger(epoch)) {
      this.host.log.warn(`[isingPanel] ignored a scatter request of run ${this.runId} for epoch ${JSON.stringify(epoch)}`);
      return;
    }
    let scatter: IsingScatterSeries;
    try {
      scatter = this.source.scatter(epoch);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.host.log.warn(`[isingPanel] run ${this.runId}: scatter of epoch ${epoch} not read: ${reason}`);
      this.post(this.delivery.event((seq) => ({ type: 'scatterMissing', seq, runId: this.runId, missing: { epoch, reason } })));
      return;
    }
    this.post(this.delivery.event((seq) => ({ type: 'scatter', seq, runId: this.runId, scatter })));
  }

  private post(messages: readonly IsingHostMessage[]): void {
    if (this.disposed) return;
    for (const message of messages) {
      if (message.type === 'init') this.host.log.debug(`[isingPanel] init of run ${this.runId}: seq ${message.seq}, ${message.records.length} records`);
      this.panel.webview.postMessage(message).then(
        (delivered) => {
          if (delivered || this.disposed) return;
          this.delivery.resync();
          this.host.log.debug(`[isingPanel] ${message.type} seq ${message.seq} of run ${this.runId} not delivered; the next ready or show resends the history`);
        },
        (error: unknown) => {
          this.delivery.resync();
          this.host.log.warn(`[isingPanel] posting ${message.type} seq ${message.seq} to run ${this.runId} failed: ${String(error)}`);
        },
      );
    }
  }

  private receive(message: unknown): void {
    if (!isIsingWebviewMessage(message)) {
      this.host.log.warn(`[isingPanel] ignored an invalid message from the webview of run ${this.runId}: ${JSON.stringify(message)}`);
      return;
    }
    const typed: IsingWebviewMessage = message;
    switch (typed.type) {
      case 'ready':
        this.post(this.delivery.ready());
        break;
      case 'rendered':
        this.host.log.trace(`[isingPanel] run ${typed.runId} rendered ${typed.points} checkpoints up to seq ${typed.lastSeq}`);
        this.host.rendered(typed.runId, typed.points);
        break;
      case 'requestScatter':
        this.sendScatter(typed.epoch);
        break;
      case 'setSettings':
        if (isViewSettings(typed.settings)) this.host.setSettings({ logX: typed.settings.logX, scaled: typed.settings.scaled }, this);
        break;
      case 'error':
        this.host.log.error(`[isingPanel] webview of run ${this.runId} reported: ${typed.message}`);
        break;
      default: {
        const unknown: never = typed;
        this.host.log.warn(`[isingPanel] ignored webview message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
