import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MetricsWriter, parseMetrics, readMetricsFile } from '../../src/engine/store/metricsLog';
import type { EpochRecord } from '../../src/shared/metrics';

function record(epoch: number): EpochRecord {
  return { epoch, trainLoss: 4.7 - epoch, trainAccuracy: epoch / 10, testLoss: 4.8 - epoch, testAccuracy: epoch / 20, weightNorm: 100 + epoch, layerNorms: [80, 60], collapsedFraction: 0, elapsedSeconds: epoch * 0.5 };
}
const line = (epoch: number) => JSON.stringify(record(epoch));
const three = [1, 2, 3].map(line).join('\n') + '\n';

describe('metrics log reader', () => {
  it('drops a torn last line', () => {
    const r = parseMetrics(three + '{"epoch": 4, "train_loss": 0.0');
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3]);
    assert.equal(r.dropped, 1);
    assert.match(r.warnings[0], /incomplete record dropped/);
  });

  it('drops a torn line followed by a newline', () => {
    const r = parseMetrics(three + '{"epoch": 4, "train_loss": 0.0\n');
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3]);
    assert.equal(r.dropped, 1);
  });

  it('skips a malformed middle line', () => {
    const r = parseMetrics([line(1), line(2), '{"epoch": 2.5, ', line(3)].join('\n') + '\n');
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3]);
    assert.equal(r.dropped, 1);
  });

  it('recovers two records glued together', () => {
    const r = parseMetrics([line(1), line(2), line(3) + line(4)].join('\n') + '\n');
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3, 4]);
    assert.equal(r.dropped, 0);
  });

  it('skips a record with a wrong field type', () => {
    const bad = JSON.stringify({ ...record(4), trainLoss: 'abc' });
    const r = parseMetrics(three + bad + '\n');
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3]);
    assert.equal(r.dropped, 1);
    assert.match(r.warnings[0], /trainLoss/);
  });

  it('reads a missing file as empty', () => {
    const r = readMetricsFile(path.join(os.tmpdir(), 'does-not-exist', 'metrics.jsonl'));
    assert.deepEqual(r, { records: [], dropped: 0, warnings: [] });
  });
});

describe('metrics log writer', () => {
  it('resumes a torn log into exactly four records', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-metrics-'));
    const file = path.join(dir, 'metrics.jsonl');
    fs.writeFileSync(file, three + '{"epoch": 4, "train_loss": 0.0');
    const kept = readMetricsFile(file).records;
    const writer = new MetricsWriter(file, kept);
    writer.append(record(4));
    writer.close();
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.endsWith('\n'));
    assert.equal(text.split('\n').filter(Boolean).length, 4);
    const r = parseMetrics(text);
    assert.deepEqual(r.records.map((x) => x.epoch), [1, 2, 3, 4]);
    assert.equal(r.dropped, 0);
    assert.deepEqual(r.records[3], record(4));
  });
});
