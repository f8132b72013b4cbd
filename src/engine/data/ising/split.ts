import { deriveSeed, Rng } from '../../rng';
import { STREAM_SPLIT } from '../../streams';

/** Test and training sizes of the Ising runs of arXiv 2502.01739 (`ising/configs/ising_config.yaml` in the authors' code). */
export const ISING_TEST_SIZE = 1000;
export const ISING_TRAIN_SIZE = 300;

export interface IsingSplit {
  /** Snapshot indices, in shuffled order. */
  test: Int32Array;
  train: Int32Array;
}

/**
 * Shuffles all snapshot indices by Fisher–Yates with the stream `deriveSeed(dataSeed, STREAM_SPLIT)` and takes
 * the first `testSize` as the test set and the next `trainSize` as the training set, as `create_ising_dataset` in
 * the authors' code (github.com/xand-stapleton/grokking_vs_learning) does. Classes are therefore only roughly balanced.
 */
export function splitIsing(count: number, dataSeed: number, testSize = ISING_TEST_SIZE, trainSize = ISING_TRAIN_SIZE): IsingSplit {
  for (const [name, value] of [['count', count], ['testSize', testSize], ['trainSize', trainSize]] as const) {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
  if (testSize + trainSize > count) {
    throw new RangeError(`testSize ${testSize} + trainSize ${trainSize} exceeds the ${count} snapshots of the dataset`);
  }
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  new Rng(deriveSeed(dataSeed, STREAM_SPLIT)).shuffle(order);
  return { test: order.slice(0, testSize), train: order.slice(testSize, testSize + trainSize) };
}
