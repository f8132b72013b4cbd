import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  appendFeatureRecord,
  readFeatures,
  readSamples,
  readScatter,
  truncateFeatures,
  writeSamples,
  writeScatter,
} from '../../src/engine/store/features';
import type { IsingFeatureRecord, IsingLayerSummary } from '../../src/shared/isingFeatures';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gi-features-'));
}

function summary(units: number): IsingLayerSummary {
  const same = { E: 0.5, M: 0.25, absM: 0.125 };
  return { units, rTilde: same, rTildeUnscaled: same, fractionByFeature: same, shareByFeature: same };
}

function record(epoch: number): IsingFeatureRecord {
  return {
    epoch,
    layers: { conv1: summary(512), conv2: summary(256), fc1: summary(3) },
    fc1: { rE: [0.99, null, -0.5], rM: [0.1, null, 0.2], rAbsM: [0.9, null, 0.3], topUnit: 2 },
  };
}

describe('feature store', () => {
  it('reads records and drops a torn last line', () => {
    const dir = tempDir();
    appendFeatureRecord(dir, record(0));
    appendFeatureRecord(dir, record(200));
    const whole = JSON.stringify(record(400));
    fs.appendFileSync(path.join(dir, 'features.jsonl'), whole.slice(0, whole.length / 2));

    const read = readFeatures(dir);
    assert.deepEqual(read.records, [record(0), record(200)]);
    assert.equal(read.dropped, 1);
    assert.match(read.warnings[0], /line 3: incomplete record dropped/);
  });

  it('skips a record with a missing layer', () => {
    const dir = tempDir();
    const { conv2: _dropped, ...layers } = record(5).layers;
    fs.writeFileSync(path.join(dir, 'features.jsonl'), JSON.stringify({ ...record(5), layers }) + '\n' + JSON.stringify(record(6)) + '\n');
    const read = readFeatures(dir);
    assert.deepEqual(read.records.map((r) => r.epoch), [6]);
    assert.match(read.warnings[0], /layers\.conv2/);
  });

  it('reads a missing log as empty', () => {
    assert.deepEqual(readFeatures(path.join(tempDir(), 'absent')), { records: [], dropped: 0, warnings: [] });
  });

  it('writes scatter pairs as little-endian float32', () => {
    const dir = tempDir();
    writeScatter(dir, 42, Float32Array.from([-480, 1.5, -100, -0.25]));
    const bytes = fs.readFileSync(path.join(dir, 'features', 'scatter-000042.f32'));
    assert.equal(bytes.length, 16);
    assert.equal(bytes.readFloatLE(0), -480);
    assert.equal(bytes.readFloatLE(12), -0.25);

    const scatter = readScatter(dir, 42)!;
    assert.deepEqual(Array.from(scatter.energy), [-480, -100]);
    assert.deepEqual(Array.from(scatter.preactivation), [1.5, -0.25]);
    assert.equal(readScatter(dir, 43), undefined);
  });

  it('rejects a scatter of partial pairs', () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'features'));
    fs.writeFileSync(path.join(dir, 'features', 'scatter-000001.f32'), new Uint8Array(12));
    assert.throws(() => readScatter(dir, 1), /12 bytes, not a whole number/);
  });

  it('round-trips the sample strip', () => {
    const dir = tempDir();
    assert.equal(readSamples(dir), undefined);
    const strip = { L: 2, criticalTemperature: 2.269, samples: [{ temperature: 1.3, energy: -8, magnetisation: 4, label: 0, spins: '++++' }] };
    writeSamples(dir, strip);
    assert.deepEqual(readSamples(dir), strip);
  });

  it('truncates records and scatters after an epoch', () => {
    const dir = tempDir();
    for (const epoch of [0, 2, 4, 6]) {
      appendFeatureRecord(dir, record(epoch));
      writeScatter(dir, epoch, Float32Array.from([epoch, 1]));
    }
    fs.appendFileSync(path.join(dir, 'features.jsonl'), '{"epoch": 8, "lay');

    assert.deepEqual(truncateFeatures(dir, 4), [0, 2, 4]);
    const read = readFeatures(dir);
    assert.deepEqual(read.records.map((r) => r.epoch), [0, 2, 4]);
    assert.equal(read.dropped, 0);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'features')).sort(), ['scatter-000000.f32', 'scatter-000002.f32', 'scatter-000004.f32']);
  });

  it('truncates a run folder without feature files', () => {
    const dir = tempDir();
    assert.deepEqual(truncateFeatures(dir, 3), []);
    assert.equal(fs.existsSync(path.join(dir, 'features.jsonl')), false);
  });
});
