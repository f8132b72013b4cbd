import { checkLatticeSize, CRITICAL_TEMPERATURE } from './physics';

// Source of the defaults: Manning-Coe et al., "Grokking vs. Learning: Same Features, Different Encodings"
// (arXiv 2502.01739, 2025), App. B.

/** What a generated Ising dataset depends on; the cache key hashes all of it plus `ISING_GENERATOR_VERSION`. */
export interface IsingParams {
  L: number;
  /** Heat-bath updates per snapshot, in units of L² random-site updates. */
  sweeps: number;
  /** Temperatures in units of J / k_B; snapshot k of temperature t has index t·samplesPerTemperature + k. */
  temperatures: readonly number[];
  samplesPerTemperature: number;
  dataSeed: number;
}

/** 16×16 lattice (256 spins), as in arXiv 2502.01739. */
export const DEFAULT_ISING_L = 16;
/** 50 temperatures in [T_c − 1, T_c + 1], as in arXiv 2502.01739, which does not give their spacing; ours is even. */
export const DEFAULT_TEMPERATURE_COUNT = 50;
export const DEFAULT_TEMPERATURE_HALF_WIDTH = 1;
/** 1000 snapshots per temperature, 50,000 in all, as in arXiv 2502.01739. */
export const DEFAULT_SAMPLES_PER_TEMPERATURE = 1000;
/**
 * Sweeps per snapshot. arXiv 2502.01739 gives only "N ≫ L²" and keeps some metastable stripe (extended domain
 * wall) states on purpose, with a test-accuracy ceiling of about 95 % from physical features. Measured by
 * `npx tsx bench/ising-generate.ts calibrate` (L = 16, 50 × 1000 snapshots, data seed 0; stripes as `isStripe`
 * defines them, as a share of ordered snapshots; accuracy of one threshold fitted on 300 training and scored on
 * 1000 test snapshots, mean of 10 splits):
 *
 *   sweeps  stripes  E threshold  |M| threshold
 *       20   34.2 %       90.8 %         65.4 %
 *       50   22.7 %       92.1 %         74.4 %
 *      100   12.6 %       92.0 %         83.6 %
 *      200    5.5 %       94.7 %         91.0 %
 *      400    1.6 %       94.8 %         94.1 %
 *
 * 200 is the shortest run whose energy threshold reaches the ≈95 % ceiling, while |M| still trails it by about 4
 * points, so stripes keep rewarding a network that learns the energy. At 400 that gap has closed.
 */
export const DEFAULT_SWEEPS = 200;

/**
 * Version of the generator's output for given parameters. Bump it whenever a change alters any byte of a dataset
 * (update rule, random draws, snapshot order), so that stale caches are not reused.
 */
export const ISING_GENERATOR_VERSION = 1;


/** Class of snapshots with T < T_c (the ordered phase of the infinite lattice); T > T_c is class 1. */
export const LABEL_ORDERED = 0;
export const LABEL_DISORDERED = 1;

/** Returns `count` evenly spaced temperatures from T_c − halfWidth to T_c + halfWidth, ends included. */
export function isingTemperatures(count = DEFAULT_TEMPERATURE_COUNT, halfWidth = DEFAULT_TEMPERATURE_HALF_WIDTH): number[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`temperature count must be an integer ≥ 1, got ${count}`);
  const low = CRITICAL_TEMPERATURE - halfWidth;
  if (count === 1) return [low];
  const step = (2 * halfWidth) / (count - 1);
  return Array.from({ length: count }, (_, i) => low + i * step);
}

export function defaultIsingParams(dataSeed = 0): IsingParams {
  return {
    L: DEFAULT_ISING_L,
    sweeps: DEFAULT_SWEEPS,
    temperatures: isingTemperatures(),
    samplesPerTemperature: DEFAULT_SAMPLES_PER_TEMPERATURE,
    dataSeed,
  };
}

/** Returns the phase label of a temperature; T exactly at T_c counts as disordered. */
export function phaseLabel(temperature: number): number {
  return temperature < CRITICAL_TEMPERATURE ? LABEL_ORDERED : LABEL_DISORDERED;
}

/** Throws a RangeError naming the first invalid field. */
export function checkIsingParams(params: IsingParams): void {
  checkLatticeSize(params.L);
  if (!Number.isInteger(params.sweeps) || params.sweeps < 0) throw new RangeError(`sweeps must be an integer ≥ 0, got ${params.sweeps}`);
  if (params.temperatures.length === 0) throw new RangeError('temperatures must not be empty');
  for (const t of params.temperatures) {
    if (!Number.isFinite(t) || t <= 0) throw new RangeError(`every temperature must be finite and > 0, got ${t}`);
  }
  if (!Number.isInteger(params.samplesPerTemperature) || params.samplesPerTemperature < 1) {
    throw new RangeError(`samplesPerTemperature must be an integer ≥ 1, got ${params.samplesPerTemperature}`);
  }
  if (!Number.isInteger(params.dataSeed) || params.dataSeed < 0 || params.dataSeed > 0xffffffff) {
    throw new RangeError(`dataSeed must be an integer in [0, 4294967295], got ${params.dataSeed}`);
  }
}

/** Returns the number of snapshots, temperatures × samples per temperature. */
export function snapshotCount(params: IsingParams): number {
  return params.temperatures.length * params.samplesPerTemperature;
}
