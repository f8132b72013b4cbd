import assert from 'node:assert/strict';
import { heatBathUpdate, relaxSpins, heatBathThresholds } from '../../src/engine/data/ising/generate';
import { checkLatticeSize, CRITICAL_TEMPERATURE, flipEnergyChange, latticeEnergy, latticeMagnetisation, neighbourTable } from '../../src/engine/data/ising/physics';
import { Rng } from '../../src/engine/rng';

/** Reference energy: half the sum over all four neighbours of every site, with indices wrapped by modulo. */
function referenceEnergy(spins: Int8Array, L: number): number {
  const at = (r: number, c: number) => spins[((r + L) % L) * L + ((c + L) % L)];
  let sum = 0;
  for (let r = 0; r < L; r++) {
    for (let c = 0; c < L; c++) sum += at(r, c) * (at(r, c + 1) + at(r, c - 1) + at(r + 1, c) + at(r - 1, c));
  }
  return -sum / 2;
}

function lattice(L: number, spin: (row: number, col: number) => number): Int8Array {
  const spins = new Int8Array(L * L);
  for (let r = 0; r < L; r++) for (let c = 0; c < L; c++) spins[r * L + c] = spin(r, c);
  return spins;
}

function randomLattice(L: number, rng: Rng): Int8Array {
  return lattice(L, () => (rng.below(2) === 0 ? -1 : 1));
}

describe('Ising lattice physics', () => {
  it('gives T_c = 2 / ln(1 + √2) ≈ 2.269185', () => {
    assert.ok(Math.abs(CRITICAL_TEMPERATURE - 2.269185) < 1e-6);
  });

  it('all-up 16×16 has E = −512 and M = 256', () => {
    const spins = lattice(16, () => 1);
    assert.equal(latticeEnergy(spins, 16), -512);
    assert.equal(latticeMagnetisation(spins, 16), 256);
  });

  it('checkerboard 16×16 has E = +512 and M = 0', () => {
    const spins = lattice(16, (r, c) => ((r + c) % 2 === 0 ? 1 : -1));
    assert.equal(latticeEnergy(spins, 16), 512);
    assert.equal(latticeMagnetisation(spins, 16), 0);
  });

  it('vertical stripe 16×16 has E = −448 and M = 0', () => {
    // Columns 0–7 are −1 and 8–15 are +1: two walls of 16 broken bonds, each raising E by 2.
    const spins = lattice(16, (_, c) => (c < 8 ? -1 : 1));
    assert.equal(latticeEnergy(spins, 16), -448);
    assert.equal(latticeMagnetisation(spins, 16), 0);
  });

  it('all-up 2×2 has E = −8', () => {
    const spins = lattice(2, () => 1);
    assert.equal(latticeEnergy(spins, 2), -8);
    assert.equal(referenceEnergy(spins, 2), -8);
  });

  it('energy matches the four-neighbour reference', () => {
    const rng = new Rng(11);
    for (const L of [2, 3, 5, 16]) {
      for (let trial = 0; trial < 50; trial++) {
        const spins = randomLattice(L, rng);
        assert.equal(latticeEnergy(spins, L), referenceEnergy(spins, L), `L = ${L}, trial ${trial}`);
      }
    }
  });

  for (const [L, expected] of [
    [2, [-8, 0, 8]],
    [3, [-8, -4, 0, 4, 8]],
    [16, [-8, -4, 0, 4, 8]],
  ] as const) {
    it(`incremental ΔE equals full recompute, L = ${L}`, () => {
      const rng = new Rng(100 + L);
      const neighbours = neighbourTable(L);
      const seen = new Set<number>();
      for (let trial = 0; trial < 2000; trial++) {
        const spins = randomLattice(L, rng);
        const site = rng.below(L * L);
        const before = latticeEnergy(spins, L);
        const deltaE = flipEnergyChange(spins, neighbours, site);
        spins[site] = -spins[site];
        const after = latticeEnergy(spins, L);
        assert.equal(deltaE, after - before, `trial ${trial}, site ${site}`);
        assert.equal(after, referenceEnergy(spins, L));
        seen.add(deltaE);
      }
      assert.deepEqual([...seen].sort((a, b) => a - b), [...expected]);
    });
  }

  it('rejects L < 2 and non-integer L', () => {
    for (const L of [1, 0, -3, 2.5, Number.NaN]) {
      assert.throws(() => checkLatticeSize(L), /L must be an integer ≥ 2/, `L = ${L}`);
      assert.throws(() => neighbourTable(L), RangeError);
      assert.throws(() => latticeEnergy(new Int8Array(1), L), RangeError);
    }
  });
});

describe('Ising heat-bath update', () => {
  // A 3×3 lattice whose centre (site 4) has neighbours 1, 3, 5 and 7. Setting k of them to −1 and the centre to
  // +1 gives σ·Σ = 4 − 2k, i.e. ΔE = 8 − 4k.
  const neighbourSites = [5, 3, 7, 1];
  const trials = 40000;

  for (const temperature of [1.3, 2.269, 3.3]) {
    it(`flips with frequency 1/(1 + e^(ΔE/T)), T = ${temperature}`, () => {
      const neighbours = neighbourTable(3);
      const thresholds = heatBathThresholds(temperature);
      const rng = new Rng(7);
      for (let k = 0; k <= 4; k++) {
        const spins = new Int8Array(9).fill(1);
        for (let j = 0; j < k; j++) spins[neighbourSites[j]] = -1;
        const deltaE = 8 - 4 * k;
        assert.equal(flipEnergyChange(spins, neighbours, 4), deltaE);

        let flips = 0;
        for (let t = 0; t < trials; t++) {
          spins[4] = 1;
          const flipped = heatBathUpdate(spins, 0, neighbours, 4, thresholds, rng);
          if (flipped) flips++;
          assert.equal(spins[4], flipped ? -1 : 1);
        }
        const p = 1 / (1 + Math.exp(deltaE / temperature));
        // Binomial tolerance: 5 standard deviations of the frequency over `trials` draws.
        const tolerance = 5 * Math.sqrt((p * (1 - p)) / trials);
        assert.ok(Math.abs(flips / trials - p) <= tolerance, `ΔE = ${deltaE}: frequency ${flips / trials}, expected ${p} ± ${tolerance}`);
      }
    });
  }

  it('samples the Boltzmann distribution on 2×2', () => {
    // With 16 states, 50 sweeps from a random start mix fully, so the energy histogram over independent runs
    // must match exact enumeration: P(E) ∝ g(E) e^{−E/T}.
    const L = 2;
    const temperature = 2;
    const runs = 20000;
    const exact = new Map<number, number>();
    for (let state = 0; state < 16; state++) {
      const spins = lattice(2, (r, c) => ((state >> (r * 2 + c)) & 1 ? 1 : -1));
      const e = referenceEnergy(spins, L);
      exact.set(e, (exact.get(e) ?? 0) + Math.exp(-e / temperature));
    }
    const z = [...exact.values()].reduce((a, b) => a + b, 0);

    const neighbours = neighbourTable(L);
    const thresholds = heatBathThresholds(temperature);
    const rng = new Rng(3);
    const counts = new Map<number, number>();
    const spins = new Int8Array(4);
    for (let run = 0; run < runs; run++) {
      for (let i = 0; i < 4; i++) spins[i] = rng.below(2) === 0 ? -1 : 1;
      relaxSpins(spins, 0, 4, neighbours, 50 * 4, thresholds, rng);
      const e = latticeEnergy(spins, L);
      counts.set(e, (counts.get(e) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-8, 0, 8]);
    for (const [e, weight] of exact) {
      const p = weight / z;
      const tolerance = 5 * Math.sqrt((p * (1 - p)) / runs);
      const frequency = (counts.get(e) ?? 0) / runs;
      assert.ok(Math.abs(frequency - p) <= tolerance, `E = ${e}: frequency ${frequency}, exact ${p} ± ${tolerance}`);
    }
  });
});
