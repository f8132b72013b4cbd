import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic';

/**
 * Checkpoints of a run, in `checkpoints/` of its folder:
 * - `epoch-<n>.f32`: the flattened parameters after epoch n, little-endian float32, in the tensor order of
 *   `config.json` (readable with `numpy.fromfile(path, '<f4')`);
 * - `resume.bin`: the latest full training state (parameters, Adam moments, step), replaced at each checkpoint;
 * - `index.jsonl`: one line per checkpoint, `{"epoch", "file", "parameters"}`.
 * Optimiser moments are kept only for the latest checkpoint, because they triple the size and are needed only to
 * resume.
 */
export interface CheckpointState {
  epoch: number;
  step: number;
  elapsedSeconds: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

const MAGIC = 0x53524947; // "GIRS" read as a little-endian uint32
const FORMAT_VERSION = 1;
const HEADER_BYTES = 32;

export function checkpointDir(runDir: string): string {
  return path.join(runDir, 'checkpoints');
}

export function paramsFileName(epoch: number): string {
  return `epoch-${String(epoch).padStart(6, '0')}.f32`;
}

function bytesOf(a: Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export function writeCheckpoint(runDir: string, state: CheckpointState): void {
  const dir = checkpointDir(runDir);
  fs.mkdirSync(dir, { recursive: true });
  const n = state.params.length;
  const file = paramsFileName(state.epoch);
  writeFileAtomic(path.join(dir, file), bytesOf(state.params));

  const header = new DataView(new ArrayBuffer(HEADER_BYTES));
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, FORMAT_VERSION, true);
  header.setUint32(8, state.epoch, true);
  header.setUint32(12, n, true);
  header.setFloat64(16, state.step, true);
  header.setFloat64(24, state.elapsedSeconds, true);
  const blob = new Uint8Array(HEADER_BYTES + 3 * n * 4);
  blob.set(new Uint8Array(header.buffer), 0);
  blob.set(bytesOf(state.params), HEADER_BYTES);
  blob.set(bytesOf(state.m), HEADER_BYTES + n * 4);
  blob.set(bytesOf(state.v), HEADER_BYTES + 2 * n * 4);
  writeFileAtomic(path.join(dir, 'resume.bin'), blob);
  fs.appendFileSync(path.join(dir, 'index.jsonl'), JSON.stringify({ epoch: state.epoch, file, parameters: n }) + '\n');
}

/** Reads the latest full training state, or undefined when the run has none. */
export function readResumeState(runDir: string): CheckpointState | undefined {
  const file = path.join(checkpointDir(runDir), 'resume.bin');
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < HEADER_BYTES || view.getUint32(0, true) !== MAGIC) throw new Error(`${file} is not a Grokking Inspector checkpoint`);
  const version = view.getUint32(4, true);
  if (version !== FORMAT_VERSION) throw new Error(`${file} has checkpoint format ${version}; this version reads format ${FORMAT_VERSION}`);
  const n = view.getUint32(12, true);
  if (buf.byteLength !== HEADER_BYTES + 3 * n * 4) throw new Error(`${file} is truncated: ${buf.byteLength} bytes for ${n} parameters`);
  // Copy into fresh, aligned arrays: the Buffer's offset need not be a multiple of 4.
  const floats = new Float32Array(3 * n);
  new Uint8Array(floats.buffer).set(buf.subarray(HEADER_BYTES));
  return {
    epoch: view.getUint32(8, true),
    step: view.getFloat64(16, true),
    elapsedSeconds: view.getFloat64(24, true),
    params: floats.subarray(0, n),
    m: floats.subarray(n, 2 * n),
    v: floats.subarray(2 * n, 3 * n),
  };
}

export function readCheckpointParams(runDir: string, epoch: number): Float32Array {
  const buf = fs.readFileSync(path.join(checkpointDir(runDir), paramsFileName(epoch)));
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

/** Epochs with saved parameters, ascending; an index line torn by a crash is ignored. */
export function listCheckpoints(runDir: string): number[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(checkpointDir(runDir), 'index.jsonl'), 'utf8');
  } catch {
    return [];
  }
  const epochs = new Set<number>();
  for (const line of text.split('\n')) {
    try {
      const e = (JSON.parse(line) as { epoch?: unknown }).epoch;
      if (typeof e === 'number') epochs.add(e);
    } catch {
      // A torn or empty line.
    }
  }
  return [...epochs].sort((a, b) => a - b);
}
