import type { EpochRecord, GrokTimes } from '../../shared/metrics';
import type { HostToWebview, PanelRunInfo, PanelViewSettings } from '../../shared/protocol';
import type { RunState } from '../../shared/run';

/** Contents of an `init`, read from the host's store at the moment it is sent. */
export interface DeliverySnapshot {
  run: PanelRunInfo;
  records: EpochRecord[];
  times: GrokTimes;
  settings: PanelViewSettings;
}

export interface DeliverySource {
  readonly runId: string;
  snapshot(): DeliverySnapshot;
  times(): GrokTimes;
}

/**
 * Sequence and resync bookkeeping for one panel, without timers or `vscode`, so it can be tested on its own.
 * Each method returns the messages the caller must post, in order. A message gets its seq only when it is
 * returned, so the seqs that reach the webview have no gaps unless a posted message was lost.
 *
 * Records that arrive while the webview cannot take them are not buffered here: the host's store keeps them,
 * and the next `init` carries the whole history. That is why the store must already hold a batch when
 * `buffer` receives it.
 */
export class PanelDelivery {
  private seq = 0;
  /** The current webview document has posted `ready`. */
  private listening = false;
  private visible = true;
  /** The webview may miss something, so the next message to it must be an `init`. */
  private stale = true;
  private pending: EpochRecord[] = [];
  /** Last epoch sent or queued, to notice a resumed run that rewrites epochs the webview already holds. */
  private lastEpoch = -Infinity;

  /**
   * @param retainsContext the panel's `retainContextWhenHidden`. Without it VS Code destroys the webview document
   *   when the panel is hidden and loads it again when shown, and that new document posts `ready`.
   */
  constructor(
    private readonly source: DeliverySource,
    private readonly retainsContext: boolean,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Returns the `init` for a `ready`, because the document that sent it listens even when the panel is hidden. */
  ready(): HostToWebview[] {
    this.listening = true;
    return [this.init()];
  }

  setVisible(visible: boolean): HostToWebview[] {
    if (visible === this.visible) return [];
    this.visible = visible;
    if (!visible) {
      this.stale = true;
      this.pending = [];
      if (!this.retainsContext) this.listening = false;
      return [];
    }
    return this.listening && this.stale ? [this.init()] : [];
  }

  /**
   * Queues records for the next `flush`. Drops them when the next message is an `init`, which includes them, and
   * turns the next message into an `init` when a record repeats an epoch already sent, because then the store has
   * replaced that epoch and everything after it.
   */
  buffer(records: readonly EpochRecord[]): void {
    if (!this.canPost()) this.stale = true;
    for (const record of records) {
      if (record.epoch <= this.lastEpoch) this.stale = true;
      this.lastEpoch = record.epoch;
    }
    if (this.stale) {
      this.pending = [];
      return;
    }
    this.pending.push(...records);
  }

  flush(): HostToWebview[] {
    if (!this.canPost()) return [];
    if (this.stale) return [this.init()];
    if (this.pending.length === 0) return [];
    const records = this.pending;
    this.pending = [];
    return [{ type: 'append', seq: ++this.seq, runId: this.source.runId, records, times: this.source.times() }];
  }

  /** Flushes queued records first, so the webview applies the state change after the epochs that led to it. */
  status(state: RunState, reason: string | undefined): HostToWebview[] {
    if (!this.canPost()) {
      this.stale = true;
      return [];
    }
    const messages = this.flush();
    if (messages.some((m) => m.type === 'init')) return messages;
    messages.push({ type: 'status', seq: ++this.seq, runId: this.source.runId, state, ...(reason === undefined ? {} : { reason }) });
    return messages;
  }

  settings(settings: PanelViewSettings): HostToWebview[] {
    if (!this.canPost()) this.stale = true;
    if (this.stale) return this.flush();
    return [{ type: 'settings', seq: ++this.seq, settings }];
  }

  /** Marks a `postMessage` that resolved false, so the next `ready`, show or flush sends a whole `init`. */
  deliveryFailed(): void {
    this.stale = true;
    this.pending = [];
  }

  private canPost(): boolean {
    return this.listening && this.visible;
  }

  private init(): HostToWebview {
    this.stale = false;
    this.pending = [];
    const snapshot = this.source.snapshot();
    this.lastEpoch = snapshot.records.length === 0 ? -Infinity : snapshot.records[snapshot.records.length - 1].epoch;
    return { type: 'init', seq: ++this.seq, ...snapshot };
  }
}
