/**
 * On-disk cache of generated Ising datasets, one file per parameter set: `<cacheDir>/ising-<key>.bin`, where the
 * key is the first 16 hex digits of the SHA-256 of the canonical JSON of the parameters and the generator version.
 *
 * File layout, all numbers little-endian. After the header comes zero padding to a multiple of 8 bytes, then
 * five sections, each padded with zeros to a multiple of 8 bytes:
 *
 *   offset 0   8 bytes   magic "GIISING1"
 *   offset 8   uint32    byte length H of the JSON header
 *   offset 12  H bytes   UTF-8 JSON `IsingCacheHeader`
 *     spins          ceil(count·L²/8) bytes: spin j of the whole [count, L, L] array is bit (j mod 8) of
 *                    byte floor(j/8), 1 for +1 and 0 for −1
 *     energy         count float64: E = −Σ σ_i σ_j over the 2L² bonds
 *     magnetisation  count float64: M = Σ σ_i
 *     temperature    count float64
 *     label          count uint8: 0 = ordered (T < T_c), 1 = disordered
 *
 * The header repeats the parameters, so a file is rejected if they differ from the request, and stores the
 * FNV-1a 64 hash of everything after the header padding, so a truncated or damaged file is regenerated.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { fnv1a64 } from '../../hash';
import type { IsingDataset } from './dataset';
import type { IsingGenerateOptions } from './parallel';
import { generateIsing } from './parallel';
import type { IsingParams } from './params';
import { checkIsingParams, ISING_GENERATOR_VERSION, snapshotCount } from './params';

const MAGIC = 'GIISING1';
const FORMAT_VERSION = 1;
const ALIGN = 8;

export interface IsingCacheHeader {
  format: number;
  generatorVersion: number;
  params: IsingParams;
  count: number;
  /** FNV-1a 64 hex of the bytes after the header padding. */
  payloadHash: string;
}

export interface IsingCacheOptions extends IsingGenerateOptions {
  cacheDir: string;
  /** Receives one line per generation, cache hit and rejected cache file. */
  log?: (line: string) => void;
}

/** Returns the parameters in a fixed key order, as the cache key and the file header store them. */
function canonicalParams(params: IsingParams): IsingParams {
  return {
    L: params.L,
    sweeps: params.sweeps,
    temperatures: [...params.temperatures],
    samplesPerTemperature: params.samplesPerTemperature,
    dataSeed: params.dataSeed,
  };
}

/** Returns the 16-hex-digit cache key of a parameter set under the current generator version. */
export function isingCacheKey(params: IsingParams): string {
  const text = JSON.stringify({ generatorVersion: ISING_GENERATOR_VERSION, ...canonicalParams(params) });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function isingCachePath(params: IsingParams, cacheDir: string): string {
  return path.join(cacheDir, `ising-${isingCacheKey(params)}.bin`);
}

/**
 * Returns the cached dataset of `params` when its file exists and is valid; otherwise generates it, writes the
 * file atomically, and returns it. A damaged or mismatched file is logged and replaced.
 */
export async function loadOrGenerateIsing(params: IsingParams, options: IsingCacheOptions): Promise<IsingDataset> {
  checkIsingParams(params);
  const file = isingCachePath(params, options.cacheDir);
  const log = options.log ?? (() => {});

  let bytes: Buffer | undefined;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (bytes !== undefined) {
    try {
      const dataset = decodeIsingDataset(bytes, params);
      log(`Ising dataset loaded from ${file} (${dataset.count} snapshots)`);
      options.onProgress?.(dataset.count, dataset.count);
      return dataset;
    } catch (err) {
      log(`Ising cache file ${file} is invalid and will be regenerated: ${(err as Error).message}`);
    }
  }

  const started = Date.now();
  const dataset = await generateIsing(params, options);
  fs.mkdirSync(options.cacheDir, { recursive: true });
  writeAtomically(file, encodeIsingDataset(dataset, params));
  log(`Ising dataset generated: ${dataset.count} snapshots of ${params.L}×${params.L}, ${params.sweeps} sweeps, in ${((Date.now() - started) / 1000).toFixed(1)} s; written to ${file}`);
  return dataset;
}

/** Writes through a temporary sibling and a rename; the name includes the thread, because workers share a pid. */
function writeAtomically(file: string, data: Uint8Array): void {
  const tmp = `${file}.${process.pid}-${threadId}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function alignUp(offset: number): number {
  return Math.ceil(offset / ALIGN) * ALIGN;
}

interface SectionLayout {
  spins: number;
  energy: number;
  magnetisation: number;
  temperature: number;
  label: number;
  end: number;
}

/** Returns section offsets relative to the start of the payload. */
function layoutSections(count: number, L: number): SectionLayout {
  const spins = 0;
  const energy = alignUp(spins + Math.ceil((count * L * L) / 8));
  const magnetisation = alignUp(energy + 8 * count);
  const temperature = alignUp(magnetisation + 8 * count);
  const label = alignUp(temperature + 8 * count);
  return { spins, energy, magnetisation, temperature, label, end: alignUp(label + count) };
}

export function encodeIsingDataset(dataset: IsingDataset, params: IsingParams): Uint8Array {
  const { count, L } = dataset;
  const layout = layoutSections(count, L);
  const payload = new Uint8Array(layout.end);
  const view = new DataView(payload.buffer);

  for (let j = 0; j < dataset.spins.length; j++) {
    if (dataset.spins[j] > 0) payload[layout.spins + (j >>> 3)] |= 1 << (j & 7);
  }
  for (let i = 0; i < count; i++) {
    view.setFloat64(layout.energy + 8 * i, dataset.energy[i], true);
    view.setFloat64(layout.magnetisation + 8 * i, dataset.magnetisation[i], true);
    view.setFloat64(layout.temperature + 8 * i, dataset.temperature[i], true);
  }
  payload.set(dataset.label, layout.label);

  const header: IsingCacheHeader = {
    format: FORMAT_VERSION,
    generatorVersion: ISING_GENERATOR_VERSION,
    params: canonicalParams(params),
    count,
    payloadHash: fnv1a64(payload),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const payloadStart = alignUp(12 + headerBytes.length);
  const file = new Uint8Array(payloadStart + payload.length);
  file.set(Buffer.from(MAGIC, 'latin1'), 0);
  new DataView(file.buffer).setUint32(8, headerBytes.length, true);
  file.set(headerBytes, 12);
  file.set(payload, payloadStart);
  return file;
}

/** Decodes a cache file and checks it against `expected`. Throws an Error naming the first field that does not match. */
export function decodeIsingDataset(bytes: Uint8Array, expected: IsingParams): IsingDataset {
  if (bytes.length < 12 || Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== MAGIC) throw new Error(`missing magic "${MAGIC}"`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error(`header length ${headerLength} runs past the end of the file`);
  const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + headerLength)).toString('utf8')) as IsingCacheHeader;
  if (header.format !== FORMAT_VERSION) throw new Error(`format ${header.format} is not ${FORMAT_VERSION}`);
  if (header.generatorVersion !== ISING_GENERATOR_VERSION) throw new Error(`generator version ${header.generatorVersion} is not ${ISING_GENERATOR_VERSION}`);
  if (JSON.stringify(header.params) !== JSON.stringify(canonicalParams(expected))) throw new Error('parameters in the header differ from the request');

  const count = snapshotCount(expected);
  const L = expected.L;
  if (header.count !== count) throw new Error(`header count ${header.count} is not ${count}`);
  const layout = layoutSections(count, L);
  const payloadStart = alignUp(12 + headerLength);
  if (bytes.length !== payloadStart + layout.end) throw new Error(`file has ${bytes.length} bytes, expected ${payloadStart + layout.end}`);
  const payload = bytes.subarray(payloadStart);
  if (fnv1a64(payload) !== header.payloadHash) throw new Error('payload hash does not match the header');

  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const spins = new Int8Array(count * L * L);
  for (let j = 0; j < spins.length; j++) spins[j] = (payload[layout.spins + (j >>> 3)] >>> (j & 7)) & 1 ? 1 : -1;
  const energy = new Float64Array(count);
  const magnetisation = new Float64Array(count);
  const temperature = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    energy[i] = view.getFloat64(layout.energy + 8 * i, true);
    magnetisation[i] = view.getFloat64(layout.magnetisation + 8 * i, true);
    temperature[i] = view.getFloat64(layout.temperature + 8 * i, true);
  }
  const label = Uint8Array.from(payload.subarray(layout.label, layout.label + count));
  return { L, count, spins, energy, magnetisation, temperature, label };
}
