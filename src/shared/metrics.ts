/**
 * One line of a run's `metrics.jsonl`. Epoch 0 is the evaluation of the initial parameters, before any step.
 * For epochs ≥ 1, `trainLoss` and `trainAccuracy` are the means over the epoch's mini-batches, weighted by batch
 * size and computed while the parameters change, as the code released with arXiv 2502.01739 logs them; at epoch 0 they come from one pass over
 * the whole training set. Test metrics are always one pass over the whole test set after the epoch.
 */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** Euclidean norm of all parameters, biases included. */
  weightNorm: number;
  /** Euclidean norm of each layer's parameters (weights and bias), input side first. */
  layerNorms: number[];
  /** Share of the epoch's training examples whose float32 loss is exactly 0 (softmax collapse). */
  collapsedFraction: number;
  /** Seconds of training wall time since the run started, summed over resumes. */
  elapsedSeconds: number;
}

export const METRIC_KEYS = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'weightNorm', 'collapsedFraction', 'elapsedSeconds'] as const;

export interface GrokThreshold { mode: 'relative' | 'absolute'; margin: number }

export interface GrokTimes {
  /** First epoch whose train accuracy is within the margin of the maximum train accuracy; null until it improves on epoch 0. */
  tTrain: number | null;
  tTest: number | null;
  /** tTest − tTrain. */
  tGrok: number | null;
  /** True when tGrok > tTrain, the definition of grokking of arXiv 2502.01739. */
  grokked: boolean | null;
}

/**
 * Returns the first epoch whose accuracy reaches the bar below the maximum so far, or null while that is the
 * first record: a network that has not yet improved on its initial parameters has not learned anything to time.
 */
function firstWithin(records: readonly EpochRecord[], pick: (r: EpochRecord) => number, threshold: GrokThreshold): number | null {
  if (records.length < 2) return null;
  let max = -Infinity;
  for (const r of records) max = Math.max(max, pick(r));
  const bar = threshold.mode === 'relative' ? (1 - threshold.margin) * max : max - threshold.margin;
  const index = records.findIndex((r) => pick(r) >= bar);
  return index > 0 ? records[index].epoch : null;
}

/** Computes t_train, t_test and t_grok from the records so far; they can move while a run is still improving. */
export function grokTimes(records: readonly EpochRecord[], threshold: GrokThreshold): GrokTimes {
  const tTrain = firstWithin(records, (r) => r.trainAccuracy, threshold);
  const tTest = firstWithin(records, (r) => r.testAccuracy, threshold);
  const tGrok = tTrain === null || tTest === null ? null : tTest - tTrain;
  return { tTrain, tTest, tGrok, grokked: tGrok === null || tTrain === null ? null : tGrok > tTrain };
}

/** The end-of-run summary printed by the command line (`--json`) and stored as `summary.json`. */
export interface RunSummary {
  epochs: number;
  trainAccuracy: number;
  testAccuracy: number;
  tTrain: number | null;
  tTest: number | null;
  tGrok: number | null;
  grokked: boolean | null;
  wallSeconds: number;
  runDir: string;
}
