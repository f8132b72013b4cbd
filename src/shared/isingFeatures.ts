/**
 * Feature records of Ising runs, stored in the run folder and drawn by the Ising features panel.
 *
 * - `features.jsonl`: one `IsingFeatureRecord` per checkpoint, appended as checkpoints are analysed.
 * - `features/scatter-<epoch padded to 6>.f32`: little-endian float32 pairs (E_i, z_i) over the test set, where z
 *   is the pre-activation of the record's `topUnit` of fc1.
 * - `samples.json`: an `IsingSampleStrip`, written once when the run starts.
 */
export type IsingFeatureName = 'E' | 'M' | 'absM';
export const ISING_FEATURES: readonly IsingFeatureName[] = ['E', 'M', 'absM'];
export type IsingLayerName = 'conv1' | 'conv2' | 'fc1';
export const ISING_LAYERS: readonly IsingLayerName[] = ['conv1', 'conv2', 'fc1'];

export type PerFeature = Record<IsingFeatureName, number>;

/** Summary of one layer's pre-activations over the test set. */
export interface IsingLayerSummary {
  units: number;
  /**
   * r̃ of eq. 6 of arXiv 2502.01739: (1/|L|) Σ_k w_k |r_k|, with w_k the unit's share of the layer's total
   * absolute pre-activation. The printed 1/|L| factor is kept, as published.
   */
  rTilde: PerFeature;
  /** The same sum without the 1/|L| factor (Σ_k w_k |r_k|; the weights already sum to 1). */
  rTildeUnscaled: PerFeature;
  /** Share of units whose largest |r| is with each feature; units with constant output count for none. */
  fractionByFeature: PerFeature;
  /** Share of the layer's absolute pre-activation carried by the units assigned to each feature. */
  shareByFeature: PerFeature;
}

export interface IsingFeatureRecord {
  epoch: number;
  layers: Record<IsingLayerName, IsingLayerSummary>;
  /** Pearson r of each fc1 unit with E, M and |M|; NaN (written as null) for a unit with constant output. */
  fc1: { rE: (number | null)[]; rM: (number | null)[]; rAbsM: (number | null)[]; topUnit: number };
}

export interface IsingSample {
  temperature: number;
  energy: number;
  magnetisation: number;
  /** 0 = ordered, 1 = disordered. */
  label: number;
  /** L² characters, row-major: '+' for spin +1, '-' for −1. */
  spins: string;
}

export interface IsingSampleStrip {
  L: number;
  criticalTemperature: number;
  samples: IsingSample[];
}
