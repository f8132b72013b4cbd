import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ISING_FEATURES,
  ISING_LAYERS,
  type IsingFeatureRecord,
  type IsingLayerSummary,
  type IsingSampleStrip,
  type PerFeature,
} from '../../shared/isingFeatures';
import { readJson, writeFileAtomic } from './atomic';
import { readJsonLinesFile, rewriteJsonLines, type JsonLinesReadResult } from './jsonLines';

/**
 * The Ising feature files of a run folder, in the format that `src/shared/isingFeatures.ts` describes:
 * `features.jsonl`, `features/scatter-<epoch>.f32` and `samples.json`.
 */
export const FEATURE_FILES = {
  records: 'features.jsonl',
  scatterDir: 'features',
  samples: 'samples.json',
} as const;

export function scatterFileName(epoch: number): string {
  return `scatter-${String(epoch).padStart(6, '0')}.f32`;
}

const SCATTER_PATTERN = /^scatter-(\d+)\.f32$/;
/** Bytes of one (E, z) pair: two little-endian float32. */
const PAIR_BYTES = 8;

export type FeaturesReadResult = JsonLinesReadResult<IsingFeatureRecord>;

function isPerFeature(value: unknown): value is PerFeature {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ISING_FEATURES.every((f) => typeof v[f] === 'number');
}

function isLayerSummary(value: unknown): value is IsingLayerSummary {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.units === 'number' && isPerFeature(v.rTilde) && isPerFeature(v.rTildeUnscaled) &&
    isPerFeature(v.fractionByFeature) && isPerFeature(v.shareByFeature);
}

function isCorrelationList(value: unknown): value is (number | null)[] {
  return Array.isArray(value) && value.every((x) => x === null || typeof x === 'number');
}

/** Returns the record when its fields have the types of `IsingFeatureRecord`, else a description of the first bad field. */
function validateRecord(value: unknown): IsingFeatureRecord | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (!Number.isInteger(v.epoch) || (v.epoch as number) < 0) return `field "epoch" is ${JSON.stringify(v.epoch) ?? 'missing'}, not an epoch number`;
  const layers = v.layers as Record<string, unknown> | undefined;
  if (typeof layers !== 'object' || layers === null) return 'field "layers" is missing';
  for (const name of ISING_LAYERS) {
    if (!isLayerSummary(layers[name])) return `field "layers.${name}" is not a layer summary`;
  }
  const fc1 = v.fc1 as Record<string, unknown> | undefined;
  if (typeof fc1 !== 'object' || fc1 === null) return 'field "fc1" is missing';
  for (const key of ['rE', 'rM', 'rAbsM']) {
    if (!isCorrelationList(fc1[key])) return `field "fc1.${key}" is not a list of numbers and nulls`;
  }
  if (!Number.isInteger(fc1.topUnit) || (fc1.topUnit as number) < 0) return `field "fc1.topUnit" is ${JSON.stringify(fc1.topUnit) ?? 'missing'}, not a unit index`;
  return value as IsingFeatureRecord;
}

/** Reads `features.jsonl`, keeping every intact record; a missing file reads as no records. */
export function readFeatures(runDir: string): FeaturesReadResult {
  return readJsonLinesFile(path.join(runDir, FEATURE_FILES.records), validateRecord);
}

/** Appends one record to `features.jsonl` in a single write, so a reader sees the line whole or torn, never split. */
export function appendFeatureRecord(runDir: string, record: IsingFeatureRecord): void {
  fs.appendFileSync(path.join(runDir, FEATURE_FILES.records), JSON.stringify(record) + '\n');
}

/** The scatter of a checkpoint's top fc1 unit over the test set, in test-set order. */
export interface IsingScatter {
  energy: Float32Array;
  preactivation: Float32Array;
}

/** Writes interleaved float32 pairs (E_i, z_i) little-endian, through a temporary file and a rename. */
export function writeScatter(runDir: string, epoch: number, pairs: Float32Array): void {
  const dir = path.join(runDir, FEATURE_FILES.scatterDir);
  fs.mkdirSync(dir, { recursive: true });
  const bytes = new Uint8Array(pairs.length * 4);
  const view = new DataView(bytes.buffer);
  for (let j = 0; j < pairs.length; j++) view.setFloat32(4 * j, pairs[j], true);
  writeFileAtomic(path.join(dir, scatterFileName(epoch)), bytes);
}

/** Returns the scatter of `epoch`, or undefined when the run has none. Throws on a file that is not whole pairs. */
export function readScatter(runDir: string, epoch: number): IsingScatter | undefined {
  const file = path.join(runDir, FEATURE_FILES.scatterDir, scatterFileName(epoch));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (bytes.length % PAIR_BYTES !== 0) throw new Error(`${file} has ${bytes.length} bytes, not a whole number of 8-byte (E, z) pairs`);
  const count = bytes.length / PAIR_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const energy = new Float32Array(count);
  const preactivation = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    energy[i] = view.getFloat32(PAIR_BYTES * i, true);
    preactivation[i] = view.getFloat32(PAIR_BYTES * i + 4, true);
  }
  return { energy, preactivation };
}

export function writeSamples(runDir: string, strip: IsingSampleStrip): void {
  writeFileAtomic(path.join(runDir, FEATURE_FILES.samples), JSON.stringify(strip) + '\n');
}

/** Returns the run's sample strip, or undefined when it has none. Throws when the file is not valid JSON. */
export function readSamples(runDir: string): IsingSampleStrip | undefined {
  return readJson<IsingSampleStrip>(path.join(runDir, FEATURE_FILES.samples));
}

/**
 * Drops the feature records and scatter files of epochs after `epoch`, and a torn last line, as a run resumed
 * from the checkpoint of `epoch` does with its metrics. Returns the epochs of the records kept.
 */
export function truncateFeatures(runDir: string, epoch: number): number[] {
  const file = path.join(runDir, FEATURE_FILES.records);
  const keptRecords = readFeatures(runDir).records.filter((r) => r.epoch <= epoch);
  if (fs.existsSync(file)) rewriteJsonLines(file, keptRecords);

  const dir = path.join(runDir, FEATURE_FILES.scatterDir);
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  for (const name of names) {
    const match = SCATTER_PATTERN.exec(name);
    if (match && Number(match[1]) > epoch) fs.rmSync(path.join(dir, name), { force: true });
  }
  return keptRecords.map((r) => r.epoch);
}
