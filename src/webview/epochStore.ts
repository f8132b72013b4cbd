import type { GrokTimes } from '../shared/metrics';
import type { PanelRunInfo } from '../shared/protocol';
import { SeqGate, type SeqVerdict } from './seqGate';

const NO_TIMES: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };

/**
 * Base of the panel stores: the run, its records by epoch, the grokking times and the view settings,
 * kept in step with the host by the seq rules of the panel's contract.
 */
export class EpochStore<Item extends { epoch: number }, Settings> {
  run: PanelRunInfo | undefined;
  records: Item[] = [];
  times: GrokTimes = NO_TIMES;
  settings: Settings;
  private readonly gate = new SeqGate();

  constructor(settings: Settings) {
    this.settings = settings;
  }

  get seq(): number {
    return this.gate.seq;
  }

  protected admit(message: { type: string; seq: number }): SeqVerdict {
    return this.gate.admit(message);
  }

  /** Replaces the run, its records, times and settings with those of an `init`. */
  protected reset(init: { run: PanelRunInfo; records: readonly Item[]; times: GrokTimes; settings: Settings }): void {
    this.run = init.run;
    this.records = [...init.records];
    this.times = init.times;
    this.settings = init.settings;
  }

  /** Appends the records after the last epoch contained, sets the times and returns what it appended. */
  protected appendRecords(records: readonly Item[], times: GrokTimes): Item[] {
    // An epoch already in the store can only come from a batch that was also in an `init`. Drawing it twice
    // would put a backwards step into the line.
    const lastEpoch = this.records.length === 0 ? -Infinity : this.records[this.records.length - 1].epoch;
    const added = records.filter((r) => r.epoch > lastEpoch);
    this.records.push(...added);
    this.times = times;
    return added;
  }
}
