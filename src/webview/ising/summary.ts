import type { IsingFeatureRecord } from '../../shared/isingFeatures';
import type { GrokTimes } from '../../shared/metrics';
import type { PanelRunInfo } from '../../shared/protocol';

function epochText(epoch: number | null): string {
  return epoch === null ? '–' : String(epoch);
}

/** Text of the summary line: checkpoints analysed, the latest one, and the grokking times known so far. */
export function summaryText(run: PanelRunInfo, records: readonly IsingFeatureRecord[], times: GrokTimes): string {
  const last = records[records.length - 1];
  const parts = [
    `${records.length} checkpoint${records.length === 1 ? '' : 's'} analysed`,
    last === undefined ? `latest – / ${run.epochs}` : `latest epoch ${last.epoch} / ${run.epochs}`,
    `t_train ${epochText(times.tTrain)}`,
    `t_test ${epochText(times.tTest)}`,
  ];
  if (times.tGrok !== null) parts.push(`t_grok ${times.tGrok}${times.grokked ? ' (grokked)' : ''}`);
  return parts.join(' · ');
}
