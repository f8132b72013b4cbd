import type { IsingFeatureRecord, IsingSampleStrip } from '../../shared/isingFeatures';
import type { IsingHostMessage, IsingScatterMissing, IsingScatterSeries, IsingViewSettings } from '../../shared/isingPanelProtocol';
import { EpochStore } from '../epochStore';

/** Change made by applying one host message, so the view redraws only what it must. */
export type IsingApplyResult =
  | { kind: 'reset' }
  | { kind: 'append'; added: IsingFeatureRecord[] }
  | { kind: 'times' }
  | { kind: 'status' }
  | { kind: 'scatter' }
  | { kind: 'settings' }
  | { kind: 'ignored' }
  /** A seq was skipped; the caller must post `ready` once so the host resends everything. */
  | { kind: 'gap' };

/** The webview's copy of one run's feature files, kept in step with the host by the seq rules of the contract. */
export class IsingStore extends EpochStore<IsingFeatureRecord, IsingViewSettings> {
  samples: IsingSampleStrip | null = null;
  /** Last scatter received, whichever checkpoint it belongs to. */
  scatter: IsingScatterSeries | null = null;
  /** Last scatter request the host could not serve. */
  scatterMissing: IsingScatterMissing | null = null;
  warnings: string[] = [];

  apply(message: IsingHostMessage): IsingApplyResult {
    const verdict = this.admit(message);
    if (verdict === 'ignored') return { kind: 'ignored' };
    if (verdict === 'gap') return { kind: 'gap' };
    if (message.type === 'init') {
      this.reset(message);
      this.samples = message.samples;
      this.scatter = message.scatter;
      this.scatterMissing = null;
      this.warnings = message.warnings;
      return { kind: 'reset' };
    }
    // Unreachable, because the gate reports a gap for every message before the first init; narrows the type.
    if (this.run === undefined) return { kind: 'gap' };
    if (message.type !== 'settings' && message.runId !== this.run.runId) return { kind: 'ignored' };
    switch (message.type) {
      case 'append':
        return { kind: 'append', added: this.appendRecords(message.records, message.times) };
      case 'times':
        this.times = message.times;
        return { kind: 'times' };
      case 'status':
        this.run = { ...this.run, state: message.state, reason: message.reason };
        return { kind: 'status' };
      case 'scatter':
        this.scatter = message.scatter;
        this.scatterMissing = null;
        return { kind: 'scatter' };
      case 'scatterMissing':
        this.scatterMissing = message.missing;
        return { kind: 'scatter' };
      case 'settings':
        this.settings = message.settings;
        return { kind: 'settings' };
      default: {
        const unknown: never = message;
        throw new Error(`unknown host message ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Returns the checkpoint to show: `selected` while the store contains it, else the latest, and null without records. */
  shownEpoch(selected: number | null): number | null {
    if (selected !== null && this.records.some((r) => r.epoch === selected)) return selected;
    return this.records.length === 0 ? null : this.records[this.records.length - 1].epoch;
  }

  record(epoch: number | null): IsingFeatureRecord | undefined {
    return epoch === null ? undefined : this.records.find((r) => r.epoch === epoch);
  }
}
