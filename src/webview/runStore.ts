import type { EpochRecord } from '../shared/metrics';
import type { HostToWebview, PanelViewSettings } from '../shared/protocol';
import { EpochStore } from './epochStore';

/** Change made by applying one host message, so the view redraws only what it must. */
export type ApplyResult =
  | { kind: 'reset' }
  | { kind: 'append'; added: EpochRecord[] }
  | { kind: 'status' }
  | { kind: 'settings' }
  /** The message is old (seq not above the last applied) or belongs to another run. */
  | { kind: 'ignored' }
  /** A seq was skipped; the caller must post `ready` once so the host resends everything. */
  | { kind: 'gap' };

/** The webview's copy of one run, kept in step with the host by the seq rules of the message contract. */
export class RunStore extends EpochStore<EpochRecord, PanelViewSettings> {
  apply(message: HostToWebview): ApplyResult {
    const verdict = this.admit(message);
    if (verdict === 'ignored') return { kind: 'ignored' };
    if (verdict === 'gap') return { kind: 'gap' };
    if (message.type === 'init') {
      this.reset(message);
      return { kind: 'reset' };
    }
    // Unreachable, because the gate reports a gap for every message before the first init; narrows the type.
    if (this.run === undefined) return { kind: 'gap' };
    switch (message.type) {
      case 'append':
        if (message.runId !== this.run.runId) return { kind: 'ignored' };
        return { kind: 'append', added: this.appendRecords(message.records, message.times) };
      case 'status':
        if (message.runId !== this.run.runId) return { kind: 'ignored' };
        this.run = { ...this.run, state: message.state, reason: message.reason };
        return { kind: 'status' };
      case 'settings':
        this.settings = message.settings;
        return { kind: 'settings' };
      default: {
        const unknown: never = message;
        throw new Error(`unknown host message ${JSON.stringify(unknown)}`);
      }
    }
  }
}
