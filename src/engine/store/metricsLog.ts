import * as fs from 'node:fs';
import type { EpochRecord } from '../../shared/metrics';

/**
 * Reading and appending a run's `metrics.jsonl`. A trainer killed mid-append leaves a torn last line, and a
 * later append can be glued onto such a fragment. The reader keeps every intact record and counts the rest.
 */
export interface MetricsReadResult {
  records: EpochRecord[];
  /** Lines (or fragments) that did not parse or had fields of the wrong type. */
  dropped: number;
  /** One human-readable line per problem, e.g. "line 5: incomplete record dropped". */
  warnings: string[];
}

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

/** Splits `{…}{…}` (two records written without a newline between them) into its objects. */
function splitConcatenated(line: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      parts.push(line.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < line.length) parts.push(line.slice(start));
  return parts;
}

export function parseMetrics(text: string): MetricsReadResult {
  const records: EpochRecord[] = [];
  const warnings: string[] = [];
  let dropped = 0;
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    for (const part of splitConcatenated(line)) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(part);
      } catch {
        dropped++;
        warnings.push(`line ${index + 1}: incomplete record dropped`);
        continue;
      }
      const record = validate(parsed);
      if (typeof record === 'string') {
        dropped++;
        warnings.push(`line ${index + 1}: record skipped because ${record}`);
      } else {
        records.push(record);
      }
    }
  });
  return { records, dropped, warnings };
}

export function readMetricsFile(file: string): MetricsReadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], dropped: 0, warnings: [] };
    throw err;
  }
  return parseMetrics(text);
}

/**
 * Appends records to a metrics log, one `write` per record ending in a newline. `rewrite` replaces the file with
 * the given records first, which is how a resumed run drops a torn fragment and the epochs after its checkpoint.
 */
export class MetricsWriter {
  private readonly fd: number;

  constructor(readonly file: string, rewrite?: readonly EpochRecord[]) {
    if (rewrite) {
      const tmp = `${file}.tmp`;
      fs.writeFileSync(tmp, rewrite.map((r) => JSON.stringify(r) + '\n').join(''));
      fs.renameSync(tmp, file);
    }
    this.fd = fs.openSync(file, 'a');
  }

  append(record: EpochRecord): void {
    fs.writeSync(this.fd, JSON.stringify(record) + '\n');
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
