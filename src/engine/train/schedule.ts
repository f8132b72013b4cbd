import type { CheckpointSchedule } from '../../shared/config/types';

/**
 * Returns whether a checkpoint is saved after `epoch`: every epoch up to and including
 * `schedule.everyEpochUntil`, then every `schedule.thenEvery` epochs counted from there (510, 520, … for the
 * default 500 and 10), and always after `lastEpoch`. Epoch 0, the initial parameters, is always due.
 */
export function checkpointDue(schedule: CheckpointSchedule, epoch: number, lastEpoch: number): boolean {
  if (epoch === lastEpoch || epoch <= schedule.everyEpochUntil) return true;
  return (epoch - schedule.everyEpochUntil) % schedule.thenEvery === 0;
}
