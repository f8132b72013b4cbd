import * as vscode from 'vscode';
import type { HostToWebview, PanelViewSettings, WebviewToHost } from '../../shared/protocol';
import { isWebviewToHost } from '../../shared/protocol';
import type { RunFeed } from '../runFeed';
import { PanelDelivery, type DeliverySnapshot } from './delivery';
import { PanelChannel, type CommonWebviewMessage } from './panelChannel';
import { bundlePageHtml, webviewOptions } from './webviewPage';

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
  private readonly channel: PanelChannel<HostToWebview, Exclude<WebviewToHost, CommonWebviewMessage>>;
  private feedSubscriptions: vscode.Disposable[] = [];
  private readonly delivery: PanelDelivery;
  /** Last reason the feed gave for a stop or failure, for `init`s sent after the state event. */
  private reason: string | undefined;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private feed: RunFeed,
    private readonly host: RunPanelHost,
  ) {
    panel.webview.options = webviewOptions(host.extensionUri);
    this.delivery = new PanelDelivery({ runId: this.feed.runId, snapshot: () => this.snapshot(), times: () => this.feed.times() }, RETAIN_CONTEXT);
    this.channel = new PanelChannel(panel, {
      tag: 'livePanel',
      log: host.log,
      delivery: this.delivery,
      runId: () => this.runId,
      isMessage: isWebviewToHost,
      renderedUnit: 'points',
      rendered: (runId, points) => host.rendered(runId, points),
      receive: (message) => this.receive(message),
      close: () => this.closed(),
    });
    this.subscribe();
    panel.webview.html = bundlePageHtml(panel.webview, host.extensionUri, 'main', feed.info().title);
    host.log.info(`[livePanel] opened run ${feed.runId} (${feed.runDir})`);
  }

  get runId(): string {
    return this.feed.runId;
  }

  /** Switches to another feed of the same run (a live trainer replacing a folder watcher) and resends everything. */
  get runDir(): string {
    return this.feed.runDir;
  }

  replaceFeed(feed: RunFeed): void {
    if (feed === this.feed) return;
    this.feed = feed;
    this.subscribe();
    this.delivery.resync();
    this.channel.post(this.delivery.flush());
  }

  sendSettings(settings: PanelViewSettings): void {
    this.channel.post(this.delivery.settings(settings));
  }

  dispose(): void {
    this.channel.dispose();
  }

  private closed(): void {
    for (const d of this.feedSubscriptions) d.dispose();
    this.feedSubscriptions = [];
    this.host.log.info(`[livePanel] closed run ${this.feed.runId}`);
    this.host.closed(this);
  }

  private subscribe(): void {
    for (const d of this.feedSubscriptions) d.dispose();
    this.feedSubscriptions = [
      this.feed.onDidAppend((records) => {
        this.delivery.buffer(records);
        this.channel.scheduleFlush();
      }),
      this.feed.onDidChangeState(({ state, reason }) => {
        this.reason = reason;
        this.channel.post(this.delivery.status(state, reason));
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

  private receive(message: Exclude<WebviewToHost, CommonWebviewMessage>): void {
    switch (message.type) {
      case 'setLogX':
        if (typeof message.logX === 'boolean') this.host.setLogX(message.logX, this);
        break;
      default: {
        // A one-member union does not narrow to never by its tag, so the check is on the tag itself.
        const unknown: never = message.type;
        this.host.log.warn(`[livePanel] ignored webview message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
