/**
 * Sequence and resync bookkeeping shared by the panels, without timers or `vscode`, so it can be tested on its own.
 *
 * Rules of every panel's message contract: the webview posts `ready` once its listener is installed, the host
 * replies to each `ready` with an `init` that carries the whole history, and sends deltas only after that. Each host
 * message gets a seq that grows by one per message posted to the panel. Each method returns the messages the
 * caller must post, in order, and a message gets its seq only when it is returned. So the seqs that reach the
 * webview have no gaps unless a posted message was lost.
 *
 * Items that arrive while the webview cannot take them are not buffered here: the host's store keeps them, and
 * the next `init` carries the whole history. That is why the store must already hold a batch when `buffer`
 * receives it.
 */

/** The panel-specific part: how to build an `init` and an append of items. */
export interface SeqDeliverySource<Message, Item> {
  /** Builds the `init` from the host's store; `lastEpoch` is the epoch of the last item it carries, or −Infinity. */
  init(seq: number): { message: Message; lastEpoch: number };
  append(seq: number, items: Item[]): Message;
}

export class SeqDelivery<Message, Item extends { epoch: number }> {
  private seq = 0;
  /** The current webview document has posted `ready`. */
  private listening = false;
  private visible = true;
  /** The webview may miss something, so the next message to it must be an `init`. */
  private stale = true;
  private pending: Item[] = [];
  /** Last epoch sent or queued, to notice a resumed run that rewrites epochs the webview already holds. */
  private lastEpoch = -Infinity;

  /**
   * @param retainsContext the panel's `retainContextWhenHidden`. Without it VS Code destroys the webview document
   *   when the panel is hidden and loads it again when shown, and that new document posts `ready`.
   */
  constructor(
    private readonly source: SeqDeliverySource<Message, Item>,
    private readonly retainsContext: boolean,
  ) {}

  get lastSeq(): number {
    return this.seq;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Returns the `init` for a `ready`, because the document that sent it listens even when the panel is hidden. */
  ready(): Message[] {
    this.listening = true;
    return [this.init()];
  }

  setVisible(visible: boolean): Message[] {
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
   * Queues items for the next `flush`. Drops them when the next message is an `init`, which includes them, and
   * turns the next message into an `init` when an item repeats an epoch already sent, because then the store has
   * replaced that epoch and everything after it.
   */
  buffer(items: readonly Item[]): void {
    if (!this.canPost()) this.stale = true;
    for (const item of items) {
      if (item.epoch <= this.lastEpoch) this.stale = true;
      this.lastEpoch = item.epoch;
    }
    if (this.stale) {
      this.pending = [];
      return;
    }
    this.pending.push(...items);
  }

  flush(): Message[] {
    return this.flushQueued().messages;
  }

  /**
   * Returns a single message built by `build` (a state change, settings, a requested file), after the queued
   * items so the webview applies it after the epochs that led to it. Returns an `init` in its place when the
   * webview may have missed something, because the `init` is read from the store and already includes it.
   */
  event(build: (seq: number) => Message): Message[] {
    if (!this.canPost()) {
      this.stale = true;
      return [];
    }
    const { messages, init } = this.flushQueued();
    if (init) return messages;
    messages.push(build(++this.seq));
    return messages;
  }

  /**
   * Makes the next `ready`, show or flush send a whole `init`. Called for a `postMessage` that resolved false and
   * when the store changed in a way an append cannot express.
   */
  resync(): void {
    this.stale = true;
    this.pending = [];
  }

  private flushQueued(): { messages: Message[]; init: boolean } {
    if (!this.canPost()) return { messages: [], init: false };
    if (this.stale) return { messages: [this.init()], init: true };
    if (this.pending.length === 0) return { messages: [], init: false };
    const items = this.pending;
    this.pending = [];
    return { messages: [this.source.append(++this.seq, items)], init: false };
  }

  private canPost(): boolean {
    return this.listening && this.visible;
  }

  private init(): Message {
    this.stale = false;
    this.pending = [];
    const { message, lastEpoch } = this.source.init(++this.seq);
    this.lastEpoch = lastEpoch;
    return message;
  }
}
