import assert from 'node:assert/strict';
import type { IsingDataset } from '../../src/engine/data/ising/dataset';
import { generateSnapshotRange } from '../../src/engine/data/ising/generate';
import { generateIsing, resolveIsingWorker } from '../../src/engine/data/ising/parallel';
import type { IsingParams } from '../../src/engine/data/ising/params';
import { defaultIsingParams, isingTemperatures } from '../../src/engine/data/ising/params';
import { STREAM_ISING_SNAPSHOT } from '../../src/engine/streams';
import { CRITICAL_TEMPERATURE, latticeEnergy, latticeMagnetisation } from '../../src/engine/data/ising/physics';
import { deriveSeed } from '../../src/engine/rng';

const small: IsingParams = { L: 8, sweeps: 20, temperatures: isingTemperatures(5), samplesPerTemperature: 20, dataSeed: 5 };

function assertSameDataset(a: IsingDataset, b: IsingDataset): void {
  assert.equal(a.count, b.count);
  assert.deepEqual(a.spins, b.spins);
  assert.deepEqual(a.energy, b.energy);
  assert.deepEqual(a.magnetisation, b.magnetisation);
  assert.deepEqual(a.temperature, b.temperature);
  assert.deepEqual(a.label, b.label);
}

describe('Ising dataset generation', () => {
  it('uses linspace(T_c − 1, T_c + 1, 50) by default', () => {
    const temperatures = defaultIsingParams().temperatures;
    assert.equal(temperatures.length, 50);
    assert.ok(Math.abs(temperatures[0] - (CRITICAL_TEMPERATURE - 1)) < 1e-12);
    assert.ok(Math.abs(temperatures[49] - (CRITICAL_TEMPERATURE + 1)) < 1e-12);
    assert.ok(Math.abs(temperatures[1] - temperatures[0] - 2 / 49) < 1e-12);
    assert.equal(temperatures.filter((t) => t < CRITICAL_TEMPERATURE).length, 25);
  });

  it('finds the worker source under tsx', () => {
    assert.equal(resolveIsingWorker()?.kind, 'source');
  });

  it('gives identical bytes in-thread and with 1 or 2 workers', async () => {
    const inThread = await generateIsing(small, { workers: 0 });
    const again = await generateIsing(small, { workers: 0 });
    const one = await generateIsing(small, { workers: 1 });
    const two = await generateIsing(small, { workers: 2 });
    assertSameDataset(inThread, again);
    assertSameDataset(inThread, one);
    assertSameDataset(inThread, two);
  });

  it('gives a different dataset for another seed', async () => {
    const a = await generateIsing(small, { workers: 0 });
    const b = await generateIsing({ ...small, dataSeed: 6 }, { workers: 0 });
    assert.notDeepEqual(a.spins, b.spins);
  });

  it('generates each snapshot alone the same as in the full range', async () => {
    const full = await generateIsing(small, { workers: 0 });
    const n = small.L * small.L;
    for (const i of [0, 37, 99]) {
      const out = { spins: new Int8Array(n), energy: new Float64Array(1), magnetisation: new Float64Array(1) };
      generateSnapshotRange(small, i, i + 1, out);
      assert.deepEqual(out.spins, full.spins.subarray(i * n, (i + 1) * n), `snapshot ${i}`);
    }
  });

  it('records E, M, temperature and label of every snapshot', async () => {
    const data = await generateIsing(small, { workers: 2 });
    const n = small.L * small.L;
    assert.equal(data.count, 100);
    assert.equal(data.spins.length, 100 * n);
    for (let i = 0; i < data.count; i++) {
      const spins = data.spins.subarray(i * n, (i + 1) * n);
      assert.ok(spins.every((s) => s === 1 || s === -1));
      assert.equal(data.energy[i], latticeEnergy(spins, small.L));
      assert.equal(data.magnetisation[i], latticeMagnetisation(spins, small.L));
      const temperature = small.temperatures[Math.floor(i / 20)];
      assert.equal(data.temperature[i], temperature);
      assert.equal(data.label[i], temperature < CRITICAL_TEMPERATURE ? 0 : 1);
    }
  });

  it('gives every snapshot of the default size its own seed', () => {
    const seeds = new Set<number>();
    for (let i = 0; i < 50000; i++) seeds.add(deriveSeed(0, STREAM_ISING_SNAPSHOT, i));
    assert.equal(seeds.size, 50000);
  });

  it('reports progress up to the total', async () => {
    const seen: [number, number][] = [];
    await generateIsing({ ...small, samplesPerTemperature: 40 }, { workers: 2, onProgress: (done, total) => seen.push([done, total]) });
    assert.ok(seen.length >= 2, `only ${seen.length} progress calls`);
    for (let k = 1; k < seen.length; k++) assert.ok(seen[k][0] >= seen[k - 1][0], 'progress went backwards');
    assert.deepEqual(seen[seen.length - 1], [200, 200]);
    assert.ok(seen.every(([, total]) => total === 200));
  });

  it('rejects invalid parameters', async () => {
    await assert.rejects(generateIsing({ ...small, L: 1 }), /L must be an integer ≥ 2/);
    await assert.rejects(generateIsing({ ...small, temperatures: [] }), /temperatures must not be empty/);
    await assert.rejects(generateIsing({ ...small, temperatures: [0] }), /temperature must be finite and > 0/);
    await assert.rejects(generateIsing({ ...small, sweeps: 1.5 }), /sweeps/);
    await assert.rejects(generateIsing(small, { workers: -1 }), /workers/);
  });

  it('orders at T = 1.3 and disorders at T = 3.3', async () => {
    const samples = 200;
    const params = { ...defaultIsingParams(1), temperatures: [1.3, 3.3], samplesPerTemperature: samples };
    const data = await generateIsing(params, { workers: 2 });
    const m = Array.from(data.magnetisation, (value) => Math.abs(value) / 256);
    const magnetised = m.slice(0, samples).filter((x) => x > 0.9).length / samples;
    const demagnetised = m.slice(samples).filter((x) => x < 0.3).length / samples;
    // Onsager gives |m| ≈ 0.995 at T = 1.3, but about a fifth of the quenches end in stripe states instead
    // (0.79 and 0.80 magnetised for data seeds 1 and 2). At T = 3.3 a 16×16 snapshot still has |m| of order 0.15,
    // so a few exceed 0.3 (0.94 and 0.905 stay below). The bounds sit 5σ or more under those binomial means.
    assert.ok(magnetised > 0.6, `only ${magnetised} of T = 1.3 snapshots have |M|/L² > 0.9`);
    assert.ok(demagnetised > 0.8, `only ${demagnetised} of T = 3.3 snapshots have |M|/L² < 0.3`);
  });
});
