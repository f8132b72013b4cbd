import { fnv1a64OfArray } from '../hash';
import { deriveSeed, Rng } from '../rng';
import { STREAM_SPLIT } from '../streams';

/**
 * The modular-addition task: every pair (a, b) with a, b ∈ [0, P) is labelled (a + b) mod P. The input is the
 * two-hot vector of length 2P with ones at a and P + b, stored as its two active indices [a, P + b].
 */
export interface ModularAdditionData {
  p: number;
  /** Active input indices, [count, 2], in the split's order. */
  trainInputs: Int32Array;
  trainTargets: Int32Array;
  testInputs: Int32Array;
  testTargets: Int32Array;
  /** Pair ids a·P + b of the training set, in the shuffled order that batches follow. */
  trainPairs: Int32Array;
  testPairs: Int32Array;
  /** FNV-1a 64 hex of `trainPairs` as little-endian int32 bytes. */
  splitHash: string;
}

/** Number of active inputs per example. */
export const MODULAR_ADDITION_INPUT_WIDTH = 2;

/**
 * Returns floor(fraction · total), except that a product within 1e-9 relative of an integer is rounded to it,
 * so that e.g. 0.29 · 100 = 28.999999999999996 gives 29.
 */
export function trainCount(fraction: number, total: number): number {
  const exact = fraction * total;
  const nearest = Math.round(exact);
  if (Math.abs(exact - nearest) <= 1e-9 * Math.max(1, Math.abs(exact))) return nearest;
  return Math.floor(exact);
}

/**
 * Builds the full P² table, shuffles the pair ids by Fisher–Yates with a stream drawn from `dataSeed`, and
 * takes the first floor(trainFraction · P²) as the training set (8938 of 12,769 for P = 113 and 0.7). Both
 * sets keep the shuffled order: training batches follow it every epoch, as the code of Manning-Coe et al. 2025 (arXiv 2502.01739) does.
 */
export function buildModularAddition(p: number, trainFraction: number, dataSeed: number): ModularAdditionData {
  if (!Number.isInteger(p) || p < 2) throw new RangeError(`P must be an integer ≥ 2, got ${p}`);
  const total = p * p;
  const nTrain = trainCount(trainFraction, total);
  if (nTrain < 1 || nTrain >= total) {
    throw new RangeError(`trainFraction ${trainFraction} gives ${nTrain} of ${total} pairs for training; both sets must be non-empty`);
  }

  const order = new Int32Array(total);
  for (let i = 0; i < total; i++) order[i] = i;
  new Rng(deriveSeed(dataSeed, STREAM_SPLIT)).shuffle(order);

  const trainPairs = order.slice(0, nTrain);
  const testPairs = order.slice(nTrain);
  const [trainInputs, trainTargets] = encodePairs(trainPairs, p);
  const [testInputs, testTargets] = encodePairs(testPairs, p);
  return { p, trainInputs, trainTargets, testInputs, testTargets, trainPairs, testPairs, splitHash: fnv1a64OfArray(trainPairs) };
}

function encodePairs(pairs: Int32Array, p: number): [Int32Array, Int32Array] {
  const inputs = new Int32Array(pairs.length * MODULAR_ADDITION_INPUT_WIDTH);
  const targets = new Int32Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const a = Math.floor(pairs[i] / p);
    const b = pairs[i] % p;
    inputs[2 * i] = a;
    inputs[2 * i + 1] = p + b;
    targets[i] = (a + b) % p;
  }
  return [inputs, targets];
}
