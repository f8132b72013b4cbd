import type { EpochRecord, GrokTimes } from '../shared/metrics';
import type { HostToWebview, PanelRunInfo, PanelViewSettings } from '../shared/protocol';
import { SeqGate } from './seqGate';

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

const NO_TIMES: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };

/** The webview's copy of one run, kept in step with the host by the seq rules of the message contract. */
export class RunStore {
  run: PanelRunInfo | undefined;
  records: EpochRecord[] = [];
  times: GrokTimes = NO_TIMES;
  settings: PanelViewSettings;
  private readonly gate = new SeqGate();

  constructor(settings: PanelViewSettings) {
    this.settings = settings;
  }

  get seq(): number {
    return this.gate.seq;
  }

  apply(message: HostToWebview): ApplyResult {
    const verdict = this.gate.admit(message);
    if (verdict === 'ignored') return { kind: 'ignored' };
    if (verdict === 'gap') return { kind: 'gap' };
    if (message.type === 'init') {
      this.run = message.run;
      this.records = [...message.records];
      this.times = message.times;
      this.settings = message.settings;
      return { kind: 'reset' };
    }
    // Unreachable, because the gate reports a gap for every message before the first init; narrows the type.
    if (this.run === undefined) return { kind: 'gap' };
    switch (message.type) {
      case 'append':
        return this.append(message.runId, message.records, message.times);
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

  private append(runId: string, records: readonly EpochRecord[], times: GrokTimes): ApplyResult {
    if (this.run === undefined || runId !== this.run.runId) return { kind: 'ignored' };
    // An epoch already in the store can only come from a batch that was also in an `init`. Drawing it twice
    // would put a backwards step into the line.
    const lastEpoch = this.records.length === 0 ? -Infinity : this.records[this.records.length - 1].epoch;
    const added = records.filter((r) => r.epoch > lastEpoch);
    this.records.push(...added);
    this.times = times;
    return { kind: 'append', added };
  }
}
