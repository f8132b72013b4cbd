/**
 * The 2D Ising model on an L×L square lattice with periodic boundaries and J = 1. Spins are ±1 in an Int8Array,
 * row-major: site i = row·L + col.
 */

/** Onsager's critical temperature of the infinite square lattice, 2J / ln(1 + √2) ≈ 2.269185 for J = 1. */
export const CRITICAL_TEMPERATURE = 2 / Math.log(1 + Math.SQRT2);

/** Neighbour slots in a row of `neighbourTable`. */
export const RIGHT = 0;
export const LEFT = 1;
export const DOWN = 2;
export const UP = 3;

/** Throws unless L is an integer ≥ 2: a 1×1 periodic lattice bonds its only spin to itself. */
export function checkLatticeSize(L: number): void {
  if (!Number.isInteger(L) || L < 2) {
    throw new RangeError(`Ising lattice size L must be an integer ≥ 2 (L = 1 would bond a spin to itself), got ${L}`);
  }
}

/**
 * Returns the periodic neighbours of every site, [L², 4] in the order right, left, down, up. On L = 2 the left
 * and right neighbours are the same site (and so are up and down), and the table lists it twice on purpose:
 * each of the four bonds of a site is a separate term of the energy.
 */
export function neighbourTable(L: number): Int32Array {
  checkLatticeSize(L);
  const n = L * L;
  const table = new Int32Array(4 * n);
  for (let row = 0; row < L; row++) {
    for (let col = 0; col < L; col++) {
      const site = row * L + col;
      table[4 * site + RIGHT] = row * L + ((col + 1) % L);
      table[4 * site + LEFT] = row * L + ((col + L - 1) % L);
      table[4 * site + DOWN] = ((row + 1) % L) * L + col;
      table[4 * site + UP] = ((row + L - 1) % L) * L + col;
    }
  }
  return table;
}

/**
 * Returns E = −Σ σ_i σ_j over the 2L² bonds, counting each site's right and down bond once. Ranges from −2L²
 * (all aligned) to +2L² (checkerboard, for even L). `offset` selects a snapshot inside a larger buffer.
 */
export function latticeEnergy(spins: Int8Array, L: number, offset = 0): number {
  checkLatticeSize(L);
  let sum = 0;
  for (let row = 0; row < L; row++) {
    const base = offset + row * L;
    const below = offset + ((row + 1) % L) * L;
    for (let col = 0; col < L; col++) {
      const s = spins[base + col];
      const right = col + 1 === L ? spins[base] : spins[base + col + 1];
      sum += s * (right + spins[below + col]);
    }
  }
  return -sum;
}

/** Returns M = Σ σ_i. */
export function latticeMagnetisation(spins: Int8Array, L: number, offset = 0): number {
  checkLatticeSize(L);
  let sum = 0;
  for (let i = offset, end = offset + L * L; i < end; i++) sum += spins[i];
  return sum;
}

/**
 * Returns the energy change of flipping `site`, 2σ_i Σ σ_j over its four neighbours: one of {−8, −4, 0, 4, 8}
 * for L ≥ 3 and one of {−8, 0, 8} for L = 2, where each neighbour counts twice.
 */
export function flipEnergyChange(spins: Int8Array, neighbours: Int32Array, site: number, offset = 0): number {
  const k = 4 * site;
  const sum = spins[offset + neighbours[k]] + spins[offset + neighbours[k + 1]] + spins[offset + neighbours[k + 2]] + spins[offset + neighbours[k + 3]];
  // `| 0` turns the −0 of (−1)·0 into 0.
  return (2 * spins[offset + site] * sum) | 0;
}
