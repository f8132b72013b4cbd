import type { EpochRecord, GrokTimes } from '../../shared/metrics';
import type { HostToWebview, PanelRunInfo, PanelViewSettings } from '../../shared/protocol';
import type { RunState } from '../../shared/run';
import { SeqDelivery } from './seqDelivery';

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

/** The live panel's messages under the sequence rules of `SeqDelivery`. */
export class PanelDelivery {
  private readonly delivery: SeqDelivery<HostToWebview, EpochRecord>;

  /** @param retainsContext the panel's `retainContextWhenHidden`, as `SeqDelivery` takes it. */
  constructor(
    private readonly source: DeliverySource,
    retainsContext: boolean,
  ) {
    this.delivery = new SeqDelivery<HostToWebview, EpochRecord>(
      {
        init: (seq) => {
          const snapshot = source.snapshot();
          const last = snapshot.records[snapshot.records.length - 1];
          return { message: { type: 'init', seq, ...snapshot }, lastEpoch: last === undefined ? -Infinity : last.epoch };
        },
        append: (seq, records) => ({ type: 'append', seq, runId: source.runId, records, times: source.times() }),
      },
      retainsContext,
    );
  }

  get lastSeq(): number {
    return this.delivery.lastSeq;
  }

  get hasPending(): boolean {
    return this.delivery.hasPending;
  }

  ready(): HostToWebview[] {
    return this.delivery.ready();
  }

  setVisible(visible: boolean): HostToWebview[] {
    return this.delivery.setVisible(visible);
  }

  buffer(records: readonly EpochRecord[]): void {
    this.delivery.buffer(records);
  }

  flush(): HostToWebview[] {
    return this.delivery.flush();
  }

  status(state: RunState, reason: string | undefined): HostToWebview[] {
    return this.delivery.event((seq) => ({ type: 'status', seq, runId: this.source.runId, state, ...(reason === undefined ? {} : { reason }) }));
  }

  settings(settings: PanelViewSettings): HostToWebview[] {
    return this.delivery.event((seq) => ({ type: 'settings', seq, settings }));
  }

  /**
   * Makes the next `ready`, show or flush send a whole `init`, after a `postMessage` that resolved false or a
   * change of feed.
   */
  resync(): void {
    this.delivery.resync();
  }
}
