import * as vscode from 'vscode';

/**
 * Shortest time between two `append` messages. Records arriving faster are batched, so a run that logs
 * thousands of epochs per second costs the webview at most four redraws per second.
 */
const FLUSH_INTERVAL_MS = 250;

/** The webview messages every panel contract has, with the same fields. */
export type CommonWebviewMessage =
  | { type: 'ready' }
  | { type: 'rendered'; runId: string; points: number; lastSeq: number }
  | { type: 'error'; message: string };

/** The sequence rules a channel applies, as `SeqDelivery` implements them. */
export interface ChannelDelivery<Message> {
  ready(): Message[];
  setVisible(visible: boolean): Message[];
  flush(): Message[];
  /** Makes the next `ready`, show or flush send a whole `init`. */
  resync(): void;
}

export interface PanelChannelOptions<Message, Incoming> {
  /** Log prefix without brackets, such as `livePanel`. */
  tag: string;
  log: vscode.LogOutputChannel;
  delivery: ChannelDelivery<Message>;
  runId(): string;
  isMessage(value: unknown): value is CommonWebviewMessage | Incoming;
  /** Unit of the `points` of a `rendered` message, for the trace line. */
  renderedUnit: string;
  rendered(runId: string, points: number): void;
  /** Handles the panel's own webview messages. */
  receive(message: Incoming): void;
  /** Called once when the panel closes, after the channel disposed what it tracks and the panel itself. */
  close(): void;
}

/**
 * Sends one panel's host messages and routes its webview messages. It owns the panel's lifecycle: visibility
 * changes, the flush timer, the `ready`, `rendered` and `error` messages, and closing, which disposes everything
 * passed to `track`.
 */
export class PanelChannel<Message extends { type: string; seq: number; records?: readonly unknown[] }, Incoming extends { type: string }> implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: PanelChannelOptions<Message, Incoming>,
  ) {
    options.delivery.setVisible(panel.visible);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((event) => this.post(options.delivery.setVisible(event.webviewPanel.visible))),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
  }

  /** Disposes `disposables` when the panel closes. */
  track(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  scheduleFlush(): void {
    if (this.flushTimer !== undefined || this.disposed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.post(this.options.delivery.flush());
    }, FLUSH_INTERVAL_MS);
  }

  post(messages: readonly Message[]): void {
    if (this.disposed) return;
    const { tag, log, delivery } = this.options;
    const runId = this.options.runId();
    for (const message of messages) {
      if (message.type === 'init') log.debug(`[${tag}] init of run ${runId}: seq ${message.seq}, ${message.records?.length ?? 0} records`);
      this.panel.webview.postMessage(message).then(
        (delivered) => {
          if (delivered || this.disposed) return;
          delivery.resync();
          log.debug(`[${tag}] ${message.type} seq ${message.seq} of run ${runId} not delivered; the next ready or show resends the history`);
        },
        (error: unknown) => {
          delivery.resync();
          log.warn(`[${tag}] posting ${message.type} seq ${message.seq} to run ${runId} failed: ${String(error)}`);
        },
      );
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.flushTimer);
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
    this.options.close();
  }

  private receive(message: unknown): void {
    const { tag, log, delivery } = this.options;
    const runId = this.options.runId();
    if (!this.options.isMessage(message)) {
      log.warn(`[${tag}] ignored an invalid message from the webview of run ${runId}: ${JSON.stringify(message)}`);
      return;
    }
    if (!isCommonMessage(message)) {
      this.options.receive(message);
      return;
    }
    switch (message.type) {
      case 'ready':
        this.post(delivery.ready());
        break;
      case 'rendered':
        log.trace(`[${tag}] run ${message.runId} rendered ${message.points} ${this.options.renderedUnit} up to seq ${message.lastSeq}`);
        this.options.rendered(message.runId, message.points);
        break;
      case 'error':
        log.error(`[${tag}] webview of run ${runId} reported: ${message.message}`);
        break;
      default: {
        const unknown: never = message;
        log.warn(`[${tag}] ignored webview message ${JSON.stringify(unknown)}`);
      }
    }
  }
}

function isCommonMessage(message: { type: string }): message is CommonWebviewMessage {
  return message.type === 'ready' || message.type === 'rendered' || message.type === 'error';
}
