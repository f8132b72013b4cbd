import assert from 'node:assert/strict';
import { allocateIsingDataset } from '../../src/engine/data/ising/dataset';
import { isingTemperatures } from '../../src/engine/data/ising/params';
import { CRITICAL_TEMPERATURE } from '../../src/engine/data/ising/physics';
import {
  analyseIsingFeatures,
  assignFeatures,
  featureSeries,
  layerCorrelations,
  scatterPairs,
  summariseLayer,
  topUnit,
  type LayerActivations,
} from '../../src/engine/analysis/isingFeatures';
import { isingSampleStrip } from '../../src/engine/analysis/isingSamples';
import { pearson, pearsonColumns } from '../../src/engine/analysis/pearson';
import { Rng } from '../../src/engine/rng';

/** Pearson r as the mean product of z-scores, with population standard deviations: a different route from the two-pass sums. */
function zScoreCorrelation(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  const mean = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0) / n;
  const std = (a: ArrayLike<number>, m: number) => Math.sqrt(Array.from(a).reduce((s, v) => s + (v - m) ** 2, 0) / n);
  const mx = mean(x);
  const my = mean(y);
  const sx = std(x, mx);
  const sy = std(y, my);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((x[i] - mx) / sx) * ((y[i] - my) / sy);
  return sum / n;
}

function randomSeries(rng: Rng, n: number, scale = 1, offset = 0): Float64Array {
  return Float64Array.from({ length: n }, () => offset + scale * rng.normal());
}

/** Builds a row-major [rows, units] layer whose unit k is `columns[k]`. */
function layerOf(columns: ArrayLike<number>[]): LayerActivations {
  const rows = columns[0].length;
  const units = columns.length;
  const values = new Float32Array(rows * units);
  for (let i = 0; i < rows; i++) for (let k = 0; k < units; k++) values[i * units + k] = columns[k][i];
  return { rows, units, values };
}

describe('pearson', () => {
  it('matches a hand-computed example', () => {
    // Means 3 and 4; Σ dx·dy = 6, Σ dx² = 10, Σ dy² = 6, so r = 6 / √60.
    assert.ok(Math.abs(pearson([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]) - 6 / Math.sqrt(60)) < 1e-15);
    assert.equal(pearson([1, 2, 3], [3, 2, 1]), -1);
    assert.equal(pearson([1, 2, 3], [10, 20, 30]), 1);
  });

  it('matches the z-score formula on random data', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 5; trial++) {
      const x = randomSeries(rng, 1000);
      const y = x.map((v) => 0.3 * v + rng.normal());
      const expected = zScoreCorrelation(x, y);
      assert.ok(Math.abs(pearson(x, y) - expected) < 1e-12, `trial ${trial}: ${pearson(x, y)} vs ${expected}`);
    }
  });

  it('ignores a large common offset', () => {
    // Energies of a 16×16 lattice lie near −512; the two-pass sums keep the digits that a one-pass formula loses.
    const rng = new Rng(3);
    const x = randomSeries(rng, 1000, 1e-3);
    const y = x.map((v) => v + 1e-3 * rng.normal());
    const shifted = x.map((v) => v - 512);
    assert.ok(Math.abs(pearson(shifted, y) - pearson(x, y)) < 1e-9);
  });

  it('returns NaN for a constant series', () => {
    assert.ok(Number.isNaN(pearson([2, 2, 2, 2], [1, 2, 3, 4])));
    assert.ok(Number.isNaN(pearson([1, 2, 3, 4], [0.1, 0.1, 0.1, 0.1])));
  });

  it('rejects series shorter than n', () => {
    assert.throws(() => pearson([1, 2], [1, 2, 3], 3), /needs 3 values/);
  });
});

describe('pearsonColumns', () => {
  it('agrees with pearson column by column', () => {
    const rng = new Rng(11);
    const rows = 200;
    const y = randomSeries(rng, rows, 30, -400);
    const columns = [
      y.map((v) => 2 * v + rng.normal()),
      randomSeries(rng, rows),
      new Float64Array(rows).fill(4.25),
      y.map((v) => -v),
    ];
    const layer = layerOf(columns);
    const r = pearsonColumns(layer.values, rows, columns.length, y);
    for (let k = 0; k < columns.length; k++) {
      const expected = pearson(Float32Array.from(columns[k]), y);
      if (Number.isNaN(expected)) assert.ok(Number.isNaN(r[k]), `column ${k}`);
      else assert.ok(Math.abs(r[k] - expected) < 1e-12, `column ${k}: ${r[k]} vs ${expected}`);
    }
    assert.ok(Number.isNaN(r[2]));
    // Column 3 is −y rounded to float32, so r is −1 up to that rounding.
    assert.ok(Math.abs(r[3] + 1) < 1e-9);
  });
});

describe('Ising layer summary', () => {
  it('gives |r| = 1 to units linear in E', () => {
    const rng = new Rng(5);
    const rows = 300;
    const energy = Float64Array.from({ length: rows }, () => -512 + rng.below(400));
    const magnetisation = Float64Array.from({ length: rows }, () => rng.below(513) - 256);
    const slopes = [0.01, -0.02, 0.005, -0.001, 0.03];
    const layer = layerOf(slopes.map((a, k) => energy.map((e) => a * e + k)));
    const correlations = layerCorrelations(layer, featureSeries(energy, magnetisation));
    const summary = summariseLayer(correlations);

    assert.equal(summary.units, 5);
    assert.ok(Math.abs(summary.rTildeUnscaled.E - 1) < 1e-6, `${summary.rTildeUnscaled.E}`);
    assert.ok(Math.abs(summary.rTilde.E - 1 / 5) < 1e-6 / 5);
    // Every unit is ±E, so |r_M| of each unit is |r(E, M)|, and the weights sum to 1.
    const rEM = Math.abs(pearson(energy, magnetisation));
    assert.ok(Math.abs(summary.rTildeUnscaled.M - rEM) < 1e-6, `${summary.rTildeUnscaled.M} vs ${rEM}`);
    assert.equal(summary.fractionByFeature.E, 1);
    assert.equal(summary.fractionByFeature.M, 0);
    assert.ok(Math.abs(summary.shareByFeature.E - 1) < 1e-12);
  });

  it('weights, assigns and skips a constant unit', () => {
    // E = [1, 2, 3, 4], M = [3, −1, 1, −3], |M| = [3, 1, 1, 3]. Hand values: r(E, M) = −8/√100 = −0.8,
    // r(E, |M|) = 0 and r(M, |M|) = 0. Units: z0 = E, z1 = M, z2 = |M|, z3 = 5 (constant).
    const energy = [1, 2, 3, 4];
    const magnetisation = [3, -1, 1, -3];
    const layer = layerOf([energy, magnetisation, [3, 1, 1, 3], [5, 5, 5, 5]]);
    const correlations = layerCorrelations(layer, featureSeries(energy, magnetisation));
    const s = summariseLayer(correlations);

    // Σ_i |z_k^i| = 10, 8, 8, 20; total 46.
    assert.deepEqual(Array.from(correlations.absSums), [10, 8, 8, 20]);
    assert.ok(Math.abs(correlations.r.E[1] + 0.8) < 1e-12);
    assert.ok(Number.isNaN(correlations.r.E[3]));
    const close = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} vs ${expected}`);
    close(s.rTildeUnscaled.E, (10 * 1 + 8 * 0.8) / 46, 'r̃ unscaled E');
    close(s.rTildeUnscaled.M, (10 * 0.8 + 8 * 1) / 46, 'r̃ unscaled M');
    close(s.rTildeUnscaled.absM, 8 / 46, 'r̃ unscaled |M|');
    close(s.rTilde.E, (16.4 / 46) / 4, 'r̃ E');
    assert.deepEqual(s.fractionByFeature, { E: 0.25, M: 0.25, absM: 0.25 });
    close(s.shareByFeature.E, 10 / 46, 'share E');
    close(s.shareByFeature.M, 8 / 46, 'share M');
    close(s.shareByFeature.absM, 8 / 46, 'share |M|');
    assert.equal(topUnit(correlations.absSums), 3);
  });

  it('assigns ties to the first feature and NaN to none', () => {
    const r = {
      E: Float64Array.from([0.5, Number.NaN, Number.NaN, 0.2]),
      M: Float64Array.from([-0.5, 0.3, Number.NaN, -0.9]),
      absM: Float64Array.from([0.1, -0.4, Number.NaN, 0.9]),
    };
    assert.deepEqual(Array.from(assignFeatures(r)), [0, 2, -1, 1]);
  });

  it('picks the lowest index among tied top units', () => {
    assert.equal(topUnit(Float64Array.from([1, 4, 4, 2])), 1);
  });
});

describe('Ising feature record', () => {
  it('stores NaN correlations as null and pairs E with the top unit', () => {
    const energy = [1, 2, 3, 4];
    const magnetisation = [3, -1, 1, -3];
    const layer = layerOf([energy, magnetisation, [3, 1, 1, 3], [5, 5, 5, 5]]);
    const record = analyseIsingFeatures(12, { conv1: layer, conv2: layer, fc1: layer }, featureSeries(energy, magnetisation));
    const parsed = JSON.parse(JSON.stringify(record));

    assert.equal(parsed.epoch, 12);
    assert.equal(parsed.fc1.topUnit, 3);
    assert.deepEqual(parsed.fc1.rE.map((v: number | null) => (v === null ? null : Math.round(v * 1e9) / 1e9)), [1, -0.8, 0, null]);
    assert.equal(parsed.fc1.rAbsM[3], null);
    assert.equal(parsed.layers.conv2.units, 4);
    assert.deepEqual(Array.from(scatterPairs(energy, layer, 1)), [1, 3, 2, -1, 3, 1, 4, -3]);
  });
});

describe('Ising sample strip', () => {
  it('spreads ten temperatures over the range', () => {
    const temperatures = isingTemperatures(20);
    const dataset = allocateIsingDataset({ L: 2, sweeps: 0, temperatures, samplesPerTemperature: 2, dataSeed: 0 });
    for (let i = 0; i < dataset.count; i++) {
      dataset.energy[i] = -i;
      dataset.magnetisation[i] = i % 5;
      for (let s = 0; s < 4; s++) dataset.spins[4 * i + s] = (i + s) % 3 === 0 ? 1 : -1;
    }
    const strip = isingSampleStrip(dataset);

    assert.equal(strip.L, 2);
    assert.equal(strip.criticalTemperature, CRITICAL_TEMPERATURE);
    // round(j · 19 / 9) for j = 0..9.
    const picked = [0, 2, 4, 6, 8, 11, 13, 15, 17, 19];
    assert.deepEqual(strip.samples.map((s) => s.temperature), picked.map((t) => temperatures[t]));
    const sixth = strip.samples[5];
    // Temperature 11 starts at snapshot 22: spins (22 + s) mod 3 = 0 for s = 2 only.
    assert.equal(sixth.spins, '--+-');
    assert.equal(sixth.energy, -22);
    assert.equal(sixth.magnetisation, 2);
    assert.equal(sixth.label, temperatures[11] < CRITICAL_TEMPERATURE ? 0 : 1);
    assert.equal(strip.samples[0].label, 0);
    assert.equal(strip.samples[9].label, 1);
  });

  it('shows every temperature when there are fewer than ten', () => {
    const dataset = allocateIsingDataset({ L: 2, sweeps: 0, temperatures: [1.5, 3], samplesPerTemperature: 3, dataSeed: 0 });
    assert.deepEqual(isingSampleStrip(dataset).samples.map((s) => s.temperature), [1.5, 3]);
  });
});
