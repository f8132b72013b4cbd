import type { IsingParams } from './params';
import { phaseLabel, snapshotCount } from './params';

/** A generated set of Ising snapshots, all arrays indexed by snapshot. */
export interface IsingDataset {
  L: number;
  count: number;
  /** ±1 spins, [count, L, L] row-major. */
  spins: Int8Array;
  /** E = −Σ σ_i σ_j over the 2L² bonds, J = 1 (not normalised per bond). */
  energy: Float64Array;
  /** M = Σ σ_i. */
  magnetisation: Float64Array;
  temperature: Float64Array;
  /** 0 = ordered (T < T_c), 1 = disordered. */
  label: Uint8Array;
}

/** Allocates a dataset for `params` and fills the temperature and label of every snapshot; spins, E and M stay zero. */
export function allocateIsingDataset(params: IsingParams): IsingDataset {
  const count = snapshotCount(params);
  const n = params.L * params.L;
  const temperature = new Float64Array(count);
  const label = new Uint8Array(count);
  for (let t = 0; t < params.temperatures.length; t++) {
    const start = t * params.samplesPerTemperature;
    temperature.fill(params.temperatures[t], start, start + params.samplesPerTemperature);
    label.fill(phaseLabel(params.temperatures[t]), start, start + params.samplesPerTemperature);
  }
  return {
    L: params.L,
    count,
    spins: new Int8Array(count * n),
    energy: new Float64Array(count),
    magnetisation: new Float64Array(count),
    temperature,
    label,
  };
}
