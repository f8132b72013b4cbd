import * as vscode from 'vscode';
import type { HostToWebview, PanelViewSettings, WebviewToHost } from '../../shared/protocol';
import { isWebviewToHost } from '../../shared/protocol';
import type { RunFeed } from '../runFeed';
import { PanelDelivery, type DeliverySnapshot } from './delivery';
import { bundlePageHtml, webviewOptions } from './webviewPage';

/**
 * Shortest time between two `append` messages. Records arriving faster are batched, so a run that logs
 * thousands of epochs per second costs the webview at most four redraws per second.
 */
const FLUSH_INTERVAL_MS = 250;

/**
 * Without retained context VS Code drops the webview document while the panel is hidden. The charts then use no
 * memory, and the reloaded document gets the whole history from `init`.
 */
export const RETAIN_CONTEXT = false;

export interface RunPanelHost {
  readonly extensionUri: vscode.Uri;
  readonly log: vscode.LogOutputChannel;
  settings(): PanelViewSettings;
  setLogX(logX: boolean, from: RunPanel): void;
  rendered(runId: string, points: number): void;
  closed(panel: RunPanel): void;
}

/** One open live panel: feeds the webview from a run's feed under the delivery rules of the message contract. */
export class RunPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private feedSubscriptions: vscode.Disposable[] = [];
  private delivery: PanelDelivery;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** Last reason the feed gave for a stop or failure, for `init`s sent after the state event. */
  private reason: string | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private feed: RunFeed,
    private readonly host: RunPanelHost,
  ) {
    panel.webview.options = webviewOptions(host.extensionUri);
    this.delivery = this.newDelivery();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((event) => this.post(this.delivery.setVisible(event.webviewPanel.visible))),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
    this.subscribe();
    panel.webview.html = this.html();
    host.log.info(`[livePanel] opened run ${feed.runId} (${feed.runDir})`);
  }

  get runId(): string {
    return this.feed.runId;
  }

  /** Switches to another feed of the same run (a live trainer replacing a folder watcher) and resends everything. */
  replaceFeed(feed: RunFeed): void {
    if (feed === this.feed) return;
    this.feed = feed;
    this.subscribe();
    this.delivery.deliveryFailed();
    this.post(this.delivery.flush());
  }

  sendSettings(settings: PanelViewSettings): void {
    this.post(this.delivery.settings(settings));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    for (const d of [...this.feedSubscriptions, ...this.disposables]) d.dispose();
    this.feedSubscriptions = [];
    this.disposables.length = 0;
    this.panel.dispose();
    this.host.log.info(`[livePanel] closed run ${this.feed.runId}`);
    this.host.closed(this);
  }

  private newDelivery(): PanelDelivery {
    const delivery = new PanelDelivery({ runId: this.feed.runId, snapshot: () => this.snapshot(), times: () => this.feed.times() }, RETAIN_CONTEXT);
    delivery.setVisible(this.panel.visible);
    return delivery;
  }

  private subscribe(): void {
    for (const d of this.feedSubscriptions) d.dispose();
    this.feedSubscriptions = [
      this.feed.onDidAppend((records) => {
        this.delivery.buffer(records);
        this.scheduleFlush();
      }),
      this.feed.onDidChangeState(({ state, reason }) => {
        this.reason = reason;
        this.post(this.delivery.status(state, reason));
      }),
    ];
  }

  private snapshot(): DeliverySnapshot {
    const info = this.feed.info();
    const reason = info.reason ?? this.reason;
    return {
      run: reason === undefined ? info : { ...info, reason },
      records: [...this.feed.records()],
      times: this.feed.times(),
      settings: this.host.settings(),
    };
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.disposed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.post(this.delivery.flush());
    }, FLUSH_INTERVAL_MS);
  }

  private post(messages: readonly HostToWebview[]): void {
    if (this.disposed) return;
    for (const message of messages) {
      if (message.type === 'init') this.host.log.debug(`[livePanel] init of run ${this.runId}: seq ${message.seq}, ${message.records.length} records`);
      this.panel.webview.postMessage(message).then(
        (delivered) => {
          if (delivered || this.disposed) return;
          this.delivery.deliveryFailed();
          this.host.log.debug(`[livePanel] ${message.type} seq ${message.seq} of run ${this.runId} not delivered; the next ready or show resends the history`);
        },
        (error: unknown) => {
          this.delivery.deliveryFailed();
          this.host.log.warn(`[livePanel] posting ${message.type} seq ${message.seq} to run ${this.runId} failed: ${String(error)}`);
        },
      );
    }
  }

  private receive(message: unknown): void {
    if (!isWebviewToHost(message)) {
      this.host.log.warn(`[livePanel] ignored an invalid message from the webview of run ${this.runId}: ${JSON.stringify(message)}`);
      return;
    }
    const typed: WebviewToHost = message;
    switch (typed.type) {
      case 'ready':
        this.post(this.delivery.ready());
        break;
      case 'rendered':
        this.host.log.trace(`[livePanel] run ${typed.runId} rendered ${typed.points} points up to seq ${typed.lastSeq}`);
        this.host.rendered(typed.runId, typed.points);
        break;
      case 'setLogX':
        if (typeof typed.logX === 'boolean') this.host.setLogX(typed.logX, this);
        break;
      case 'error':
        this.host.log.error(`[livePanel] webview of run ${this.runId} reported: ${typed.message}`);
        break;
      default: {
        const unknown: never = typed;
        this.host.log.warn(`[livePanel] ignored webview message ${JSON.stringify(unknown)}`);
      }
    }
  }

  private html(): string {
    return bundlePageHtml(this.panel.webview, this.host.extensionUri, 'main', this.feed.info().title);
  }
}
