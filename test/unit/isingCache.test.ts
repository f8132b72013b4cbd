import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeIsingDataset, encodeIsingDataset, isingCacheKey, isingCachePath, loadOrGenerateIsing } from '../../src/engine/data/ising/cache';
import { generateIsing } from '../../src/engine/data/ising/parallel';
import type { IsingParams } from '../../src/engine/data/ising/params';
import { isingTemperatures } from '../../src/engine/data/ising/params';

const params: IsingParams = { L: 8, sweeps: 10, temperatures: isingTemperatures(5), samplesPerTemperature: 20, dataSeed: 2 };

describe('Ising dataset cache', () => {
  let cacheDir: string;

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ising-cache-'));
  });

  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('reuses the file on the second call', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const first = await loadOrGenerateIsing(params, { cacheDir, workers: 0, log });
    const file = isingCachePath(params, cacheDir);
    assert.match(path.basename(file), /^ising-[0-9a-f]{16}\.bin$/);
    const mtime = fs.statSync(file).mtimeMs;

    const second = await loadOrGenerateIsing(params, { cacheDir, workers: 0, log });
    assert.equal(lines.filter((l) => l.startsWith('Ising dataset generated')).length, 1);
    assert.equal(lines.filter((l) => l.startsWith('Ising dataset loaded')).length, 1);
    assert.equal(fs.statSync(file).mtimeMs, mtime);
    assert.deepEqual(second, first);
    assert.deepEqual(fs.readdirSync(cacheDir), [path.basename(file)], 'a temporary file was left behind');
  });

  it('returns what the generator returns', async () => {
    const cached = await loadOrGenerateIsing(params, { cacheDir, workers: 0 });
    const loaded = await loadOrGenerateIsing(params, { cacheDir, workers: 0 });
    const direct = await generateIsing(params, { workers: 0 });
    assert.deepEqual(cached, direct);
    assert.deepEqual(loaded, direct);
  });

  it('changes the key with every parameter', () => {
    const base = isingCacheKey(params);
    assert.equal(isingCacheKey({ ...params, temperatures: [...params.temperatures] }), base);
    const changed: IsingParams[] = [
      { ...params, L: 9 },
      { ...params, sweeps: 11 },
      { ...params, temperatures: isingTemperatures(6) },
      { ...params, temperatures: params.temperatures.map((t, i) => (i === 2 ? t + 1e-12 : t)) },
      { ...params, samplesPerTemperature: 21 },
      { ...params, dataSeed: 3 },
    ];
    const keys = new Set([base, ...changed.map(isingCacheKey)]);
    assert.equal(keys.size, changed.length + 1);
  });

  it('generates a new file for changed parameters', async () => {
    await loadOrGenerateIsing(params, { cacheDir, workers: 0 });
    await loadOrGenerateIsing({ ...params, dataSeed: 3 }, { cacheDir, workers: 0 });
    assert.equal(fs.readdirSync(cacheDir).length, 2);
  });

  it('regenerates a damaged file', async () => {
    const original = await loadOrGenerateIsing(params, { cacheDir, workers: 0 });
    const file = isingCachePath(params, cacheDir);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 200] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const lines: string[] = [];
    const again = await loadOrGenerateIsing(params, { cacheDir, workers: 0, log: (line) => lines.push(line) });
    assert.ok(lines.some((l) => /invalid.*payload hash/.test(l)), lines.join('\n'));
    assert.deepEqual(again, original);
    assert.deepEqual(decodeIsingDataset(fs.readFileSync(file), params), original);
  });

  it('rejects a file whose header has other parameters', async () => {
    const data = await generateIsing(params, { workers: 0 });
    const bytes = encodeIsingDataset(data, params);
    assert.throws(() => decodeIsingDataset(bytes, { ...params, sweeps: 11 }), /parameters in the header differ/);
    assert.throws(() => decodeIsingDataset(bytes.subarray(0, bytes.length - 8), params), /expected/);
  });

  it('writes the documented layout', async () => {
    const data = await generateIsing(params, { workers: 0 });
    const bytes = Buffer.from(encodeIsingDataset(data, params));
    assert.equal(bytes.subarray(0, 8).toString('latin1'), 'GIISING1');
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.subarray(12, 12 + headerLength).toString('utf8'));
    assert.equal(header.count, 100);
    assert.equal(header.params.L, 8);

    const spinsAt = Math.ceil((12 + headerLength) / 8) * 8;
    const spinBytes = Math.ceil((100 * 64) / 8);
    const energyAt = spinsAt + Math.ceil(spinBytes / 8) * 8;
    for (let j = 0; j < 16; j++) {
      const bit = (bytes[spinsAt + (j >> 3)] >> (j & 7)) & 1;
      assert.equal(bit === 1 ? 1 : -1, data.spins[j], `spin ${j}`);
    }
    assert.equal(bytes.readDoubleLE(energyAt), data.energy[0]);
    assert.equal(bytes.readDoubleLE(energyAt + 8 * 99), data.energy[99]);
    const magnetisationAt = energyAt + 800;
    assert.equal(bytes.readDoubleLE(magnetisationAt + 8 * 7), data.magnetisation[7]);
    const temperatureAt = magnetisationAt + 800;
    assert.equal(bytes.readDoubleLE(temperatureAt + 8 * 99), params.temperatures[4]);
    const labelAt = temperatureAt + 800;
    assert.deepEqual([...bytes.subarray(labelAt, labelAt + 100)], [...data.label]);
    assert.equal(bytes.length, labelAt + 104);
  });
});
