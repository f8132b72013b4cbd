import * as fs from 'node:fs';
import type { EpochRecord } from '../../shared/metrics';
import { parseJsonLines, readJsonLinesFile, rewriteJsonLines, type JsonLinesReadResult } from './jsonLines';

/**
 * Reading and appending a run's `metrics.jsonl`. A trainer killed mid-append leaves a torn last line, and a
 * later append can be glued onto such a fragment. The reader keeps every intact record and counts the rest.
 */
export type MetricsReadResult = JsonLinesReadResult<EpochRecord>;

const NUMBER_FIELDS = ['epoch', 'trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'weightNorm'] as const;

/** Returns the record when every required field has the right type, else a description of the first bad field. */
function validate(value: unknown): EpochRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  for (const key of NUMBER_FIELDS) {
    if (typeof v[key] !== 'number') return `field "${key}" is ${JSON.stringify(v[key]) ?? 'missing'}, not a number`;
  }
  if (!Number.isInteger(v.epoch) || (v.epoch as number) < 0) return `field "epoch" is ${String(v.epoch)}, not an epoch number`;
  const layerNorms = Array.isArray(v.layerNorms) && v.layerNorms.every((x) => typeof x === 'number') ? (v.layerNorms as number[]) : [];
  return {
    epoch: v.epoch as number,
    trainLoss: v.trainLoss as number,
    trainAccuracy: v.trainAccuracy as number,
    testLoss: v.testLoss as number,
    testAccuracy: v.testAccuracy as number,
    weightNorm: v.weightNorm as number,
    layerNorms,
    collapsedFraction: typeof v.collapsedFraction === 'number' ? v.collapsedFraction : 0,
    elapsedSeconds: typeof v.elapsedSeconds === 'number' ? v.elapsedSeconds : 0,
  };
}

export function parseMetrics(text: string): MetricsReadResult {
  return parseJsonLines(text, validate);
}

export function readMetricsFile(file: string): MetricsReadResult {
  return readJsonLinesFile(file, validate);
}

/**
 * Appends records to a metrics log, one `write` per record ending in a newline. `rewrite` replaces the file with
 * the given records first, which is how a resumed run drops a torn fragment and the epochs after its checkpoint.
 */
export class MetricsWriter {
  private readonly fd: number;

  constructor(readonly file: string, rewrite?: readonly EpochRecord[]) {
    if (rewrite) rewriteJsonLines(file, rewrite);
    this.fd = fs.openSync(file, 'a');
  }

  append(record: EpochRecord): void {
    fs.writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
