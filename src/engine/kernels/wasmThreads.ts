import { Worker } from 'node:worker_threads';

/**
 * Splits the rows of large matrix products between the calling thread and one helper worker that runs its own
 * instance of the kernel module on the same shared WebAssembly.Memory.
 *
 * A product is cut into chunks of whole output rows. Both threads claim chunks from one counter in shared
 * memory, so the caller takes whatever the helper has not claimed: a helper that is slow to wake, still
 * starting or dead costs nothing but the notify. Each output element is computed by one thread with the same
 * tile code as a single-threaded call, so every sum keeps its order and the results equal one thread's bit for bit.
 */

/** The module's row-range exports, by the operation code written to the control block. */
export const RowOp = { Matmul: 0, MatmulTransA: 1 } as const;
export type RowOp = (typeof RowOp)[keyof typeof RowOp];

/** Control block slots (int32). CLAIM packs seq << 10 | chunk count << 5 | next chunk; STOP ends the helper. */
const CLAIM = 0;
const DONE_MASK = 1;
const OP = 2;
/** a, b, c (byte offsets), m, k, n in slots 3 to 8. */
const ARGS = 3;
const CHUNK_ROWS = 9;
const FAILED = 10;
export const CONTROL_INTS = 16;
const STOP = -1;
/** The chunk fields have 5 bits, and the done mask of all chunks, (1 << count) − 1, must stay a positive int32. */
const MAX_CHUNKS = 30;
/** seq occupies the top 21 bits below the sign bit, so a stale compare-exchange needs 2²¹ jobs to wrap. */
const SEQ_MASK = 0x1fffff;

/**
 * How long the caller waits for the helper's last chunk before it stops trusting the helper and computes the
 * missing rows itself. A half of the full-batch product takes about 20 ms, so 5 s only fires when the helper is
 * gone or stalled.
 */
export const DEFAULT_HELPER_TIMEOUT_MS = 5000;

/**
 * How long the caller polls for the helper's last chunk before it sleeps in Atomics.wait. The helper has at most
 * one chunk left then. That takes under 0.6 ms at batch 64 and for a 1024-row evaluation chunk, so the poll
 * saves the wake-up of a sleeping thread there. A full-batch chunk (about 5 ms) ends in Atomics.wait.
 * NOTE: 2 ms was chosen from those chunk times and not tuned by measurement.
 */
const MAIN_SPIN_MS = 2;

/**
 * Source of the helper worker, run with `eval: true` so that no bundle entry or file path is needed in the
 * CLI, the extension's training worker, the tests or the bench. Its claim loop is the one in `RowSplitter.run`.
 */
const HELPER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, spinMs } = workerData;
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ops = [ex.matmulRows, ex.matmulTransARows];
let seen = Atomics.load(ctl, ${CLAIM});
for (;;) {
  const until = performance.now() + spinMs;
  while (Atomics.load(ctl, ${CLAIM}) === seen && performance.now() < until);
  Atomics.wait(ctl, ${CLAIM}, seen);
  for (;;) {
    const v = Atomics.load(ctl, ${CLAIM});
    if (v === ${STOP}) process.exit(0);
    const next = v & 31;
    const total = (v >> 5) & 31;
    if (next >= total) { seen = v; break; }
    if (Atomics.compareExchange(ctl, ${CLAIM}, v, v + 1) !== v) continue;
    const rows = Atomics.load(ctl, ${CHUNK_ROWS});
    const m = Atomics.load(ctl, ${ARGS + 3});
    const i0 = next * rows;
    const i1 = Math.min(m, i0 + rows);
    try {
      ops[Atomics.load(ctl, ${OP})](
        Atomics.load(ctl, ${ARGS}), Atomics.load(ctl, ${ARGS + 1}), Atomics.load(ctl, ${ARGS + 2}),
        m, Atomics.load(ctl, ${ARGS + 4}), Atomics.load(ctl, ${ARGS + 5}), i0, i1, 0);
    } catch (err) {
      Atomics.store(ctl, ${FAILED}, 1);
      Atomics.notify(ctl, ${DONE_MASK});
      throw err;
    }
    Atomics.or(ctl, ${DONE_MASK}, 1 << next);
    Atomics.notify(ctl, ${DONE_MASK});
  }
}
`;

/** The row-range exports that the caller runs itself: (a, b, c, m, k, n, i0, i1, accumulate). */
export type RowsFunction = (a: number, b: number, c: number, m: number, k: number, n: number, i0: number, i1: number, accumulate: number) => void;

export interface RowSplitterOptions {
  /** The compiled kernel module, instantiated again in the helper. */
  module: unknown;
  /** The shared WebAssembly.Memory of the kernel set. */
  memory: unknown;
  /** Byte offset of CONTROL_INTS int32 values in that memory, reserved for the splitter. */
  control: number;
  /** The caller's instance of matmulRows and matmulTransARows, indexed by RowOp. */
  ops: readonly [RowsFunction, RowsFunction];
  /** Products with fewer multiply-adds (m·k·n) than this run on the caller alone. */
  minMultiplyAdds: number;
  /** Chunks per product (at most 30), of whole rows in multiples of 4. */
  chunks: number;
  /** How long the helper polls for the next product before it sleeps in Atomics.wait, in ms. */
  helperSpinMs: number;
  /** See DEFAULT_HELPER_TIMEOUT_MS. */
  helperTimeoutMs?: number;
  log?: (line: string) => void;
}

export class RowSplitter {
  private readonly ctl: Int32Array;
  private readonly options: RowSplitterOptions;
  private worker: Worker | null = null;
  /** False once the helper failed, timed out or was closed; products then run on the caller alone. */
  private usable = true;
  private seq = 0;
  private warned = false;
  private canWait = true;
  /** Chunks that the helper computed so far; the tests read it to know that the helper took part. */
  helperChunks = 0;

  constructor(options: RowSplitterOptions) {
    this.options = options;
    const buffer = (options.memory as { buffer: SharedArrayBuffer }).buffer;
    this.ctl = new Int32Array(buffer, options.control, CONTROL_INTS);
    this.ctl.fill(0);
  }

  /** Runs rows [0, m) of `op` with accumulate = 0, on both threads when the product is large enough. */
  run(op: RowOp, a: number, b: number, c: number, m: number, k: number, n: number): void {
    const fn = this.options.ops[op];
    if (!this.usable || m < 8 || m * k * n < this.options.minMultiplyAdds) {
      fn(a, b, c, m, k, n, 0, m, 0);
      return;
    }
    this.start();
    const chunks = Math.min(this.options.chunks, MAX_CHUNKS, Math.floor(m / 4));
    const rows = Math.ceil(m / chunks / 4) * 4;
    const total = Math.ceil(m / rows);
    const ctl = this.ctl;
    Atomics.store(ctl, OP, op);
    Atomics.store(ctl, ARGS, a);
    Atomics.store(ctl, ARGS + 1, b);
    Atomics.store(ctl, ARGS + 2, c);
    Atomics.store(ctl, ARGS + 3, m);
    Atomics.store(ctl, ARGS + 4, k);
    Atomics.store(ctl, ARGS + 5, n);
    Atomics.store(ctl, CHUNK_ROWS, rows);
    Atomics.store(ctl, DONE_MASK, 0);
    this.seq = (this.seq + 1) & SEQ_MASK;
    Atomics.store(ctl, CLAIM, (this.seq << 10) | (total << 5));
    Atomics.notify(ctl, CLAIM);

    // Claim chunks until none is left; the helper claims from the same counter.
    let mine = 0;
    for (;;) {
      const v = Atomics.load(ctl, CLAIM);
      const next = v & 31;
      if (next >= total) break;
      if (Atomics.compareExchange(ctl, CLAIM, v, v + 1) !== v) continue;
      const i0 = next * rows;
      fn(a, b, c, m, k, n, i0, Math.min(m, i0 + rows), 0);
      mine |= 1 << next;
    }
    const all = (1 << total) - 1;
    if ((mine | Atomics.load(ctl, DONE_MASK)) !== all) mine |= this.waitForHelper(fn, a, b, c, m, k, n, rows, total, mine, all);
    this.helperChunks += bitCount(all & ~mine);
  }

  /** Stops the helper; later products run on the caller alone. */
  close(): void {
    this.usable = false;
    Atomics.store(this.ctl, CLAIM, STOP);
    Atomics.notify(this.ctl, CLAIM);
    void this.worker?.terminate();
    this.worker = null;
  }

  /**
   * Waits for the helper's chunks; when it fails or times out, computes the missing ones here and returns their
   * mask (else 0).
   */
  private waitForHelper(
    fn: RowsFunction, a: number, b: number, c: number, m: number, k: number, n: number,
    rows: number, total: number, mine: number, all: number,
  ): number {
    const ctl = this.ctl;
    const spinUntil = performance.now() + MAIN_SPIN_MS;
    while (((Atomics.load(ctl, DONE_MASK) | mine) !== all) && performance.now() < spinUntil);
    const timeout = this.options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    const deadline = performance.now() + timeout;
    for (;;) {
      const done = Atomics.load(ctl, DONE_MASK);
      if ((done | mine) === all) return 0;
      if (Atomics.load(ctl, FAILED) !== 0) break;
      const left = deadline - performance.now();
      if (left <= 0) break;
      if (this.canWait) {
        try {
          Atomics.wait(ctl, DONE_MASK, done, left);
        } catch {
          // Threads that must not block (a browser's main thread) reject Atomics.wait, so those callers poll.
          this.canWait = false;
        }
      }
    }
    // The helper failed or stalled: compute its chunks here. Split products never accumulate, so a chunk the
    // helper finishes late writes the same values again.
    const failed = Atomics.load(ctl, FAILED) !== 0;
    this.warn(failed ? 'the helper thread failed' : `the helper thread did not finish within ${timeout} ms`);
    this.close();
    const missing = all & ~(mine | Atomics.load(ctl, DONE_MASK));
    for (let chunk = 0; chunk < total; chunk++) {
      if ((missing & (1 << chunk)) === 0) continue;
      const i0 = chunk * rows;
      fn(a, b, c, m, k, n, i0, Math.min(m, i0 + rows), 0);
    }
    return missing;
  }

  /** Starts the helper on first use, so that kernel sets that never run a large product start no thread. */
  private start(): void {
    if (this.worker !== null) return;
    const { module, memory, control, helperSpinMs } = this.options;
    try {
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module, memory, control, spinMs: helperSpinMs } });
      // The helper must never keep a process alive: the CLI, the training worker and the tests exit without closing it.
      worker.unref();
      worker.on('error', (err) => {
        this.warn(`the helper thread failed (${err.message})`);
        this.usable = false;
      });
      worker.on('exit', () => {
        this.usable = false;
      });
      this.worker = worker;
    } catch (err) {
      this.warn(`the helper thread did not start (${err instanceof Error ? err.message : String(err)})`);
      this.usable = false;
    }
  }

  private warn(reason: string): void {
    if (this.warned) return;
    this.warned = true;
    this.options.log?.(`wasm-simd: ${reason}; large matrix products now run on one thread.`);
  }
}

function bitCount(x: number): number {
  let count = 0;
  for (let v = x; v !== 0; v &= v - 1) count++;
  return count;
}
