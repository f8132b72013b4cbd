import { deriveSeed, Rng } from '../../rng';
import { latticeEnergy, latticeMagnetisation, neighbourTable } from './physics';
import type { IsingParams } from './params';
import { STREAM_ISING_SNAPSHOT } from '../../streams';
import { checkIsingParams, snapshotCount } from './params';

/**
 * Glauber heat-bath dynamics: each snapshot starts from independent uniform spins (T = ∞), receives sweeps·L²
 * updates of uniformly drawn sites, and is recorded after the last update. A site flips with probability
 * 1 / (1 + e^{ΔE/T}).
 */

const TWO_POW_32 = 4294967296;
/** Number of distinct values of σ_i·Σ neighbours, −4, −2, 0, 2, 4, i.e. ΔE = 2σ_iΣ ∈ {−8, −4, 0, 4, 8}. */
const FLIP_CASES = 5;

/**
 * Returns the flip thresholds of one temperature, indexed by (σ_i·Σ neighbours + 4) / 2: a site flips when a
 * 32-bit uniform draw u satisfies u < threshold, i.e. with probability round(p·2³²) / 2³², within 2⁻³³ of
 * p = 1 / (1 + e^{ΔE/T}).
 */
export function heatBathThresholds(temperature: number): Float64Array {
  const thresholds = new Float64Array(FLIP_CASES);
  for (let k = 0; k < FLIP_CASES; k++) {
    const deltaE = 4 * (k - 2);
    thresholds[k] = Math.round(TWO_POW_32 / (1 + Math.exp(deltaE / temperature)));
  }
  return thresholds;
}

/** Applies one heat-bath update to `site` and returns whether it flipped. Draws exactly one 32-bit word. */
export function heatBathUpdate(spins: Int8Array, offset: number, neighbours: Int32Array, site: number, thresholds: Float64Array, rng: Rng): boolean {
  const k = 4 * site;
  const sum = spins[offset + neighbours[k]] + spins[offset + neighbours[k + 1]] + spins[offset + neighbours[k + 2]] + spins[offset + neighbours[k + 3]];
  const s = spins[offset + site];
  const flip = rng.nextUint32() < thresholds[(s * sum + 4) >> 1];
  if (flip) spins[offset + site] = -s;
  return flip;
}

/** Fills L² spins at `offset` with independent ±1 values, 32 spins per 32-bit draw. */
export function randomiseSpins(spins: Int8Array, offset: number, n: number, rng: Rng): void {
  for (let i = 0; i < n; i += 32) {
    const bits = rng.nextUint32();
    for (let b = 0; b < 32 && i + b < n; b++) spins[offset + i + b] = (bits >>> b) & 1 ? 1 : -1;
  }
}

/** Applies `updates` heat-bath updates at uniformly drawn sites of the snapshot at `offset`. */
export function relaxSpins(spins: Int8Array, offset: number, n: number, neighbours: Int32Array, updates: number, thresholds: Float64Array, rng: Rng): void {
  // Rejection keeps the site draw uniform when n does not divide 2³²; for n = 256 nothing is ever rejected.
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (let u = 0; u < updates; u++) {
    let x = rng.nextUint32();
    while (x >= limit) x = rng.nextUint32();
    heatBathUpdate(spins, offset, neighbours, x % n, thresholds, rng);
  }
}

/** Per-snapshot output of `generateSnapshotRange`, indexed from the range's first snapshot. */
export interface SnapshotBuffers {
  spins: Int8Array;
  energy: Float64Array;
  magnetisation: Float64Array;
}

/**
 * Generates snapshots [start, end) of the dataset described by `params` into `out`, where out's entry 0 is
 * snapshot `start`. Snapshot i draws only from its own stream `deriveSeed(dataSeed, STREAM_ISING_SNAPSHOT, i)`,
 * so any partition of the index range gives the same bytes. Calls `onSnapshot` after each snapshot.
 */
export function generateSnapshotRange(params: IsingParams, start: number, end: number, out: SnapshotBuffers, onSnapshot?: (index: number) => void): void {
  checkIsingParams(params);
  const total = snapshotCount(params);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > total) {
    throw new RangeError(`snapshot range [${start}, ${end}) is not inside [0, ${total})`);
  }
  const { L } = params;
  const n = L * L;
  if (out.spins.length < (end - start) * n || out.energy.length < end - start || out.magnetisation.length < end - start) {
    throw new RangeError(`output buffers are too small for ${end - start} snapshots of ${L}×${L}`);
  }
  const neighbours = neighbourTable(L);
  const thresholds = params.temperatures.map(heatBathThresholds);
  const updates = params.sweeps * n;

  for (let i = start; i < end; i++) {
    const rng = new Rng(deriveSeed(params.dataSeed, STREAM_ISING_SNAPSHOT, i));
    const slot = i - start;
    const offset = slot * n;
    randomiseSpins(out.spins, offset, n, rng);
    relaxSpins(out.spins, offset, n, neighbours, updates, thresholds[Math.floor(i / params.samplesPerTemperature)], rng);
    out.energy[slot] = latticeEnergy(out.spins, L, offset);
    out.magnetisation[slot] = latticeMagnetisation(out.spins, L, offset);
    onSnapshot?.(i);
  }
}
