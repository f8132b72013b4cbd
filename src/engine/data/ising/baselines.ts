import type { IsingDataset } from './dataset';
import { LABEL_DISORDERED, LABEL_ORDERED } from './params';

/**
 * Physical baselines for the phase labels: one-feature threshold classifiers (on E or |M|) and a count of the
 * stripe states that mislead the |M| classifier. They bound what a network can be expected to reach.
 */

/** A one-feature rule: predict disordered when the feature is above `threshold` (or below, if `disorderedAbove` is false). */
export interface ThresholdRule {
  threshold: number;
  disorderedAbove: boolean;
}

export function thresholdAccuracy(feature: ArrayLike<number>, label: ArrayLike<number>, indices: ArrayLike<number>, rule: ThresholdRule): number {
  if (indices.length === 0) throw new RangeError('thresholdAccuracy needs at least one index');
  let correct = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const predicted = feature[i] > rule.threshold === rule.disorderedAbove ? LABEL_DISORDERED : LABEL_ORDERED;
    if (predicted === label[i]) correct++;
  }
  return correct / indices.length;
}

/**
 * Returns the threshold rule of highest accuracy on `indices`, trying both directions and every cut halfway
 * between consecutive distinct feature values (and below the minimum). Ties go to the first cut found.
 */
export function fitThreshold(feature: ArrayLike<number>, label: ArrayLike<number>, indices: ArrayLike<number>): ThresholdRule & { accuracy: number } {
  const n = indices.length;
  if (n === 0) throw new RangeError('fitThreshold needs at least one index');
  const order = Array.from(indices).sort((a, b) => feature[a] - feature[b]);
  let disorderedTotal = 0;
  for (const i of order) if (label[i] === LABEL_DISORDERED) disorderedTotal++;

  // Cut below everything: "above" predicts all disordered.
  let best = { threshold: feature[order[0]] - 1, disorderedAbove: true, accuracy: disorderedTotal / n };
  if ((n - disorderedTotal) / n > best.accuracy) best = { ...best, disorderedAbove: false, accuracy: (n - disorderedTotal) / n };

  let orderedAtOrBelow = 0;
  let disorderedAtOrBelow = 0;
  for (let k = 0; k < n; k++) {
    if (label[order[k]] === LABEL_DISORDERED) disorderedAtOrBelow++;
    else orderedAtOrBelow++;
    if (k + 1 < n && feature[order[k + 1]] === feature[order[k]]) continue;
    const threshold = k + 1 < n ? (feature[order[k]] + feature[order[k + 1]]) / 2 : feature[order[k]] + 1;
    const above = (orderedAtOrBelow + (disorderedTotal - disorderedAtOrBelow)) / n;
    const below = (disorderedAtOrBelow + (n - k - 1 - (disorderedTotal - disorderedAtOrBelow))) / n;
    if (above > best.accuracy) best = { threshold, disorderedAbove: true, accuracy: above };
    if (below > best.accuracy) best = { threshold, disorderedAbove: false, accuracy: below };
  }
  return best;
}

/**
 * Energy per bond of the infinite lattice at T_c, −1/√2 (Onsager: internal energy −√2 J per site, two bonds
 * per site). Snapshots below it look ordered to an energy classifier.
 */
export const CRITICAL_ENERGY_PER_BOND = -Math.SQRT1_2;
/** |M|/L² below which a snapshot looks disordered to a magnetisation classifier. */
export const STRIPE_MAX_ABS_MAGNETISATION = 0.5;

/**
 * Returns whether a snapshot is a stripe (domain-wall) state: |M|/L² < 0.5 yet E/(2L²) < −1/√2. Such a state
 * has at least two system-spanning domain walls, so its energy per bond is at least about −1 + 2/L (−0.875 at
 * L = 16) rather than −1, but it is still on the ordered side of the critical energy.
 */
export function isStripe(energy: number, magnetisation: number, L: number): boolean {
  const n = L * L;
  return Math.abs(magnetisation) / n < STRIPE_MAX_ABS_MAGNETISATION && energy / (2 * n) < CRITICAL_ENERGY_PER_BOND;
}

export interface StripeCount {
  /** Snapshots with T < T_c. */
  ordered: number;
  /** Ordered snapshots with |M|/L² < 0.5, whatever their energy. */
  lowMagnetisation: number;
  /** Ordered snapshots that are stripes by `isStripe`. */
  stripes: number;
}

export function countStripes(dataset: IsingDataset): StripeCount {
  const result: StripeCount = { ordered: 0, lowMagnetisation: 0, stripes: 0 };
  const n = dataset.L * dataset.L;
  for (let i = 0; i < dataset.count; i++) {
    if (dataset.label[i] !== LABEL_ORDERED) continue;
    result.ordered++;
    if (Math.abs(dataset.magnetisation[i]) / n < STRIPE_MAX_ABS_MAGNETISATION) result.lowMagnetisation++;
    if (isStripe(dataset.energy[i], dataset.magnetisation[i], dataset.L)) result.stripes++;
  }
  return result;
}
