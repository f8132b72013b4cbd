import type { Trainer, TrainerHooks, TrainingState } from '../../../src/engine/train/trainer';
import type { EpochRecord } from '../../../src/shared/metrics';

export interface Recorded {
  records: EpochRecord[];
  checkpoints: TrainingState[];
  result: { lastEpoch: number; reason: 'finished' | 'stopped' };
}

/** Runs `trainer` to the end, recording every epoch and checkpoint. `hooks` replace the default hooks. */
export function runTrainer(trainer: Trainer, hooks: Partial<TrainerHooks> = {}): Recorded {
  const records: EpochRecord[] = [];
  const checkpoints: TrainingState[] = [];
  const result = trainer.run({
    onEpoch: (r) => records.push(r),
    onCheckpoint: (s) => checkpoints.push(s),
    shouldStop: () => false,
    checkpointDue: () => false,
    ...hooks,
  });
  return { records, checkpoints, result };
}

/** Drops the wall-clock field, so records of two runs can be compared exactly. */
export function withoutTime(records: EpochRecord[]): Omit<EpochRecord, 'elapsedSeconds'>[] {
  return records.map(({ elapsedSeconds: _, ...rest }) => rest);
}
