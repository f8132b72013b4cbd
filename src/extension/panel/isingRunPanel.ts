import * as vscode from 'vscode';
import type { IsingFeatureRecord } from '../../shared/isingFeatures';
import type { IsingHostMessage, IsingScatterSeries, IsingViewSettings, IsingWebviewMessage } from '../../shared/isingPanelProtocol';
import { isIsingWebviewMessage } from '../../shared/isingPanelProtocol';
import type { IsingRunSource } from './isingRunSource';
import { PanelChannel, type CommonWebviewMessage } from './panelChannel';
import { RETAIN_CONTEXT } from './runPanel';
import { SeqDelivery } from './seqDelivery';
import { bundlePageHtml, webviewOptions } from './webviewPage';

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
  private readonly channel: PanelChannel<IsingHostMessage, Exclude<IsingWebviewMessage, CommonWebviewMessage>>;
  private readonly delivery: SeqDelivery<IsingHostMessage, IsingFeatureRecord>;

  get runDir(): string {
    return this.source.runDir;
  }

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
    const channel = new PanelChannel(panel, {
      tag: 'isingPanel',
      log: host.log,
      delivery: this.delivery,
      runId: () => this.runId,
      isMessage: isIsingWebviewMessage,
      renderedUnit: 'checkpoints',
      rendered: (runId, points) => host.rendered(runId, points),
      receive: (message) => this.receive(message),
      close: () => {
        host.log.info(`[isingPanel] closed run ${source.runId}`);
        host.closed(this);
      },
    });
    this.channel = channel;
    channel.track(
      source,
      source.onDidAppend((records) => {
        this.delivery.buffer(records);
        channel.scheduleFlush();
      }),
      source.onDidReset(() => {
        this.delivery.resync();
        channel.scheduleFlush();
      }),
      source.onDidChangeTimes((times) => channel.post(this.delivery.event((seq) => ({ type: 'times', seq, runId: source.runId, times })))),
      source.onDidChangeState(({ state, reason }) =>
        channel.post(this.delivery.event((seq) => ({ type: 'status', seq, runId: source.runId, state, ...(reason === undefined ? {} : { reason }) }))),
      ),
    );
    panel.webview.html = bundlePageHtml(panel.webview, host.extensionUri, 'ising', source.info().title);
    host.log.info(`[isingPanel] opened run ${source.runId} (${source.runDir}): ${source.records().length} feature records`);
  }

  get runId(): string {
    return this.source.runId;
  }

  sendSettings(settings: IsingViewSettings): void {
    this.channel.post(this.delivery.event((seq) => ({ type: 'settings', seq, settings })));
  }

  dispose(): void {
    this.channel.dispose();
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
      this.channel.post(this.delivery.event((seq) => ({ type: 'scatterMissing', seq, runId: this.runId, missing: { epoch, reason } })));
      return;
    }
    this.channel.post(this.delivery.event((seq) => ({ type: 'scatter', seq, runId: this.runId, scatter })));
  }

  private receive(message: Exclude<IsingWebviewMessage, CommonWebviewMessage>): void {
    switch (message.type) {
      case 'requestScatter':
        this.sendScatter(message.epoch);
        break;
      case 'setSettings':
        if (isViewSettings(message.settings)) this.host.setSettings({ logX: message.settings.logX, scaled: message.settings.scaled }, this);
        break;
      default: {
        const unknown: never = message;
        this.host.log.warn(`[isingPanel] ignored webview message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
