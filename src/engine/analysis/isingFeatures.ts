import {
  ISING_FEATURES,
  ISING_LAYERS,
  type IsingFeatureName,
  type IsingFeatureRecord,
  type IsingLayerName,
  type IsingLayerSummary,
  type PerFeature,
} from '../../shared/isingFeatures';
import { pearsonColumns } from './pearson';

/**
 * Feature analysis of the Ising CNN's layers, after Manning-Coe et al., "Grokking vs. Learning: Same Features,
 * Different Encodings" (arXiv 2502.01739): the Pearson r of every unit's pre-activation with E, M and |M| over the
 * test set (§4.1), the weighted layer summary r̃ of their eq. 6, and the feature assignment of their App. G.1.
 *
 * A unit whose pre-activation is constant over the test set has no defined r (NaN). It adds no term to r̃ and is
 * assigned to no feature, but its activation stays in the denominator of the weights w_k and it stays in |L|, so
 * every summary of a layer has the same denominator and the fractions are of the whole layer.
 */

/** Pre-activations of one layer over the test set, row-major [rows, units]. A convolution's units are (c, y, x). */
export interface LayerActivations {
  rows: number;
  units: number;
  values: ArrayLike<number>;
}

/** Per-snapshot values of each feature, in test-set order. */
export type FeatureSeries = Record<IsingFeatureName, ArrayLike<number>>;

/** Per-unit statistics of a layer over the test set. */
export interface LayerCorrelations {
  /** Pearson r of each unit with each feature; NaN for a unit of constant output. */
  r: Record<IsingFeatureName, Float64Array>;
  /** Σ_i |z_k^i| of each unit k. */
  absSums: Float64Array;
}

/** Returns the features of the analysis from a snapshot's energy and magnetisation; |M| is derived. */
export function featureSeries(energy: ArrayLike<number>, magnetisation: ArrayLike<number>): FeatureSeries {
  return { E: energy, M: magnetisation, absM: Float64Array.from(magnetisation, Math.abs) };
}

export function layerCorrelations(layer: LayerActivations, features: FeatureSeries): LayerCorrelations {
  const { rows, units, values } = layer;
  const absSums = new Float64Array(units);
  for (let i = 0; i < rows; i++) {
    const row = i * units;
    for (let k = 0; k < units; k++) absSums[k] += Math.abs(values[row + k]);
  }
  return {
    r: {
      E: pearsonColumns(values, rows, units, features.E),
      M: pearsonColumns(values, rows, units, features.M),
      absM: pearsonColumns(values, rows, units, features.absM),
    },
    absSums,
  };
}

/**
 * Returns the feature with the largest |r| for each unit, as an index into ISING_FEATURES, or −1 when every r of
 * the unit is NaN. A tie goes to the feature listed first (E, then M, then |M|).
 */
export function assignFeatures(r: Record<IsingFeatureName, Float64Array>): Int8Array {
  const units = r.E.length;
  const assigned = new Int8Array(units).fill(-1);
  for (let k = 0; k < units; k++) {
    let best = -1;
    ISING_FEATURES.forEach((feature, f) => {
      const magnitude = Math.abs(r[feature][k]);
      if (Number.isNaN(magnitude)) return;
      if (best < 0 || magnitude > Math.abs(r[ISING_FEATURES[best]][k])) best = f;
    });
    assigned[k] = best;
  }
  return assigned;
}

function perFeature(value: (feature: IsingFeatureName, f: number) => number): PerFeature {
  return { E: value('E', 0), M: value('M', 1), absM: value('absM', 2) };
}

export function summariseLayer(correlations: LayerCorrelations): IsingLayerSummary {
  const { r, absSums } = correlations;
  const units = absSums.length;
  let total = 0;
  for (let k = 0; k < units; k++) total += absSums[k];
  // w_k = Σ_i |z_k^i| / Σ_i Σ_k' |z_k'^i|; a layer that is zero everywhere has no weights and every r is NaN.
  const weight = (k: number): number => (total > 0 ? absSums[k] / total : 0);

  const weightedSums = perFeature((feature) => {
    let sum = 0;
    for (let k = 0; k < units; k++) {
      const magnitude = Math.abs(r[feature][k]);
      if (!Number.isNaN(magnitude)) sum += weight(k) * magnitude;
    }
    return sum;
  });

  const assigned = assignFeatures(r);
  const counts = [0, 0, 0];
  const shares = [0, 0, 0];
  for (let k = 0; k < units; k++) {
    const f = assigned[k];
    if (f < 0) continue;
    counts[f]++;
    shares[f] += weight(k);
  }

  return {
    units,
    rTilde: perFeature((feature) => weightedSums[feature] / units),
    rTildeUnscaled: weightedSums,
    fractionByFeature: perFeature((_, f) => counts[f] / units),
    shareByFeature: perFeature((_, f) => shares[f]),
  };
}

/** Returns the unit of largest Σ_i |z_k^i| (equivalently, mean |z|); a tie goes to the lowest index. */
export function topUnit(absSums: Float64Array): number {
  let best = 0;
  for (let k = 1; k < absSums.length; k++) if (absSums[k] > absSums[best]) best = k;
  return best;
}

function nullForNaN(values: Float64Array): (number | null)[] {
  return Array.from(values, (v) => (Number.isNaN(v) ? null : v));
}

/** Analyses the conv1, conv2 and fc1 pre-activations of one checkpoint over the test set. */
export function analyseIsingFeatures(epoch: number, layers: Record<IsingLayerName, LayerActivations>, features: FeatureSeries): IsingFeatureRecord {
  const correlations = {} as Record<IsingLayerName, LayerCorrelations>;
  const summaries = {} as Record<IsingLayerName, IsingLayerSummary>;
  for (const name of ISING_LAYERS) {
    correlations[name] = layerCorrelations(layers[name], features);
    summaries[name] = summariseLayer(correlations[name]);
  }
  const fc1 = correlations.fc1;
  return {
    epoch,
    layers: summaries,
    fc1: { rE: nullForNaN(fc1.r.E), rM: nullForNaN(fc1.r.M), rAbsM: nullForNaN(fc1.r.absM), topUnit: topUnit(fc1.absSums) },
  };
}

/**
 * Returns the scatter of the top fc1 unit: float32 pairs (E_i, z_i) over the test set, in test-set order, where
 * z_i is column `unit` of the fc1 pre-activations.
 */
export function scatterPairs(energy: ArrayLike<number>, fc1: LayerActivations, unit: number): Float32Array {
  const pairs = new Float32Array(2 * fc1.rows);
  for (let i = 0; i < fc1.rows; i++) {
    pairs[2 * i] = energy[i];
    pairs[2 * i + 1] = fc1.values[i * fc1.units + unit];
  }
  return pairs;
}
