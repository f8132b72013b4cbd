import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readScatter } from '../../src/engine/store/features';
import { scatterSeries } from '../../src/extension/panel/isingScatter';

/** Writes a scatter file byte by byte with Buffer's own little-endian encoder, independent of the store's writer. */
function writeScatterBytes(runDir: string, epoch: number, values: number[]): void {
  const bytes = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => bytes.writeFloatLE(v, 4 * i));
  fs.mkdirSync(path.join(runDir, 'features'), { recursive: true });
  fs.writeFileSync(path.join(runDir, 'features', `scatter-${String(epoch).padStart(6, '0')}.f32`), bytes);
}

describe('Ising scatter decoding', () => {
  let runDir: string;
  beforeEach(() => {
    runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ising-scatter-'));
  });
  afterEach(() => {
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('splits float32 pairs into E per bond and z', () => {
    // E is the lattice sum; on L = 16 the all-up lattice has E = −512, and 0.1 is not exact in float32.
    writeScatterBytes(runDir, 40, [-512, 0.1, 256, -3.5, 0, 7]);
    const scatter = readScatter(runDir, 40);
    assert.ok(scatter !== undefined);
    const series = scatterSeries(40, 17, scatter, 16);
    assert.equal(series.epoch, 40);
    assert.equal(series.unit, 17);
    assert.deepEqual(series.energies, [-1, 0.5, 0]);
    assert.deepEqual(series.activations, [Math.fround(0.1), -3.5, 7]);
    assert.notEqual(series.activations[0], 0.1);
  });

  it('keeps NaN values of a diverged run', () => {
    writeScatterBytes(runDir, 3, [-100, Number.NaN]);
    const scatter = readScatter(runDir, 3);
    assert.ok(scatter !== undefined);
    const series = scatterSeries(3, 0, scatter, 16);
    assert.ok(Number.isNaN(series.activations[0]));
    assert.equal(series.energies[0], -100 / 512);
  });

  it('rejects a file that is not whole pairs', () => {
    writeScatterBytes(runDir, 5, [1, 2, 3]);
    assert.throws(() => readScatter(runDir, 5), /8-byte/);
  });

  it('reads a missing file as undefined', () => {
    assert.equal(readScatter(runDir, 6), undefined);
  });
});
