/**
 * The webview half of the delivery rules every panel contract shares. A message whose seq is not above the last
 * one applied is dropped, and an `init` replaces everything. A skipped seq means a lost message, so the webview
 * posts `ready` once and waits for the next `init`.
 */
export type SeqVerdict =
  /** Apply the `init`: it replaces the whole store. */
  | 'init'
  /** Apply the message: it follows the last one applied. */
  | 'next'
  /** Drop the message: it is old, or a resync is under way. */
  | 'ignored'
  /** Drop the message and post `ready` once, because one before it was lost. */
  | 'gap';

export class SeqGate {
  private lastSeq = 0;
  private initialised = false;
  /** Set after a gap until the next `init`, so one lost message requests one resync only. */
  private awaitingInit = false;

  get seq(): number {
    return this.lastSeq;
  }

  admit(message: { type: string; seq: number }): SeqVerdict {
    if (message.seq <= this.lastSeq) return 'ignored';
    if (message.type === 'init') {
      this.lastSeq = message.seq;
      this.initialised = true;
      this.awaitingInit = false;
      return 'init';
    }
    if (this.awaitingInit) return 'ignored';
    if (message.seq !== this.lastSeq + 1 || !this.initialised) {
      this.awaitingInit = true;
      return 'gap';
    }
    this.lastSeq = message.seq;
    return 'next';
  }
}
