import { Worker } from 'node:worker_threads';

/**
 * Splits the rows of large matrix products, the elements of Adam steps and the rows of softmax cross-entropy
 * calls between the calling thread and one helper worker that runs its own instance of the kernel module on the
 * same shared WebAssembly.Memory.
 *
 * A product is cut into chunks of whole output rows. Both threads claim chunks from one counter in shared
 * memory, so the caller takes whatever the helper has not claimed: a helper that is slow to wake, still
 * starting or dead costs nothing but the notify. Each output element is computed by one thread with the same
 * tile code as a single-threaded call, so every sum keeps its order and the results equal one thread's bit for bit.
 * The same holds for Adam, which is elementwise, and for the softmax gradients and counts. Only the softmax loss
 * sum differs: it adds the chunks' sums in chunk order, which can change its last bits (see `softmax`).
 */

/** The jobs that the helper can share, by the operation code written to the control block. */
export const RowOp = { Matmul: 0, MatmulTransA: 1, Adam: 2, Softmax: 3 } as const;
export type RowOp = (typeof RowOp)[keyof typeof RowOp];

/**
 * Control block slots (int32). CLAIM packs seq << 10 | chunk count << 5 | next chunk; STOP ends the helper.
 * COUNT is the job's number of rows (products, softmax) or elements (Adam), cut into chunks of CHUNK_SIZE.
 */
const CLAIM = 0;
const DONE_MASK = 1;
const OP = 2;
const FAILED = 3;
const CHUNK_SIZE = 4;
const COUNT = 5;
/** Up to 8 int32 arguments (byte offsets and sizes) in slots 6 to 13. */
const ARGS = 6;
/** Up to 8 float64 arguments from byte 64 (int32 slot 16). */
const FLOAT_ARGS_BYTE = 64;
const FLOAT_ARGS = 8;
/** One float64 loss sum per softmax chunk from byte 128, then two int32 counts per chunk. */
const LOSSES_BYTE = FLOAT_ARGS_BYTE + FLOAT_ARGS * 8;
/** The chunk fields have 5 bits, and the done mask of all chunks, (1 << count) − 1, must stay a positive int32. */
const MAX_CHUNKS = 30;
const COUNTS_BYTE = LOSSES_BYTE + MAX_CHUNKS * 8;
export const CONTROL_INTS = (COUNTS_BYTE + MAX_CHUNKS * 8) / 4;
const STOP = -1;
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
 * CLI, the extension's training worker, the tests or the bench. Its claim loop is the one in `RowSplitter.split`,
 * and its jobs are the caller's chunk functions in `run`, `adam` and `softmax`.
 */
const HELPER_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, spinMs } = workerData;
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_INTS});
const ex = new WebAssembly.Instance(module, { env: { memory } }).exports;
const arg = (i) => Atomics.load(ctl, ${ARGS} + i);
// The float64 arguments, then the softmax chunks' loss sums.
const f = new Float64Array(memory.buffer, control + ${FLOAT_ARGS_BYTE}, ${FLOAT_ARGS + MAX_CHUNKS});
const ops = [
  (i0, i1, m) => ex.matmulRows(arg(0), arg(1), arg(2), m, arg(3), arg(4), i0, i1, 0),
  (i0, i1, m) => ex.matmulTransARows(arg(0), arg(1), arg(2), m, arg(3), arg(4), i0, i1, 0),
  (i0, i1) => {
    const o = 4 * i0;
    ex.adamStep(arg(0) + o, arg(1) + o, arg(2) + o, arg(3) + o, i1 - i0, f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
  },
  (i0, i1, rows, chunk) => {
    const classes = arg(4);
    const hasGrad = arg(3);
    const loss = ex.softmaxCrossEntropy(
      arg(0) + 4 * i0 * classes, arg(1) + 4 * i0, hasGrad ? arg(2) + 4 * i0 * classes : 0, hasGrad, i1 - i0, classes,
      f[0], arg(5), arg(6), control + ${COUNTS_BYTE} + 8 * chunk);
    f[${FLOAT_ARGS} + chunk] = loss;
  },
];
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
    const size = Atomics.load(ctl, ${CHUNK_SIZE});
    const count = Atomics.load(ctl, ${COUNT});
    const i0 = next * size;
    try {
      ops[Atomics.load(ctl, ${OP})](i0, Math.min(count, i0 + size), count, next);
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

/** The module's adamStep: (param, grad, m, v, length, then seven float64 scalars). */
export type AdamFunction = (
  param: number, grad: number, m: number, v: number, length: number,
  stepSize: number, sqrtBias2: number, beta1: number, beta2: number, eps: number, coupledDecay: number, shrink: number,
) => void;

/** The module's softmaxCrossEntropy; returns the loss sum of its rows and writes two int32 counts. */
export type SoftmaxFunction = (
  logits: number, targets: number, dLogits: number, hasGrad: number, rows: number, classes: number,
  gradScale: number, float64: number, exps: number, counts: number,
) => number;

/** The seven float64 scalars of adamStep, in its parameter order. */
export type AdamScalars = readonly [number, number, number, number, number, number, number];

export interface RowSplitterOptions {
  /** The compiled kernel module, instantiated again in the helper. */
  module: unknown;
  /** The shared WebAssembly.Memory of the kernel set. */
  memory: unknown;
  /** Byte offset of CONTROL_INTS int32 values in that memory, 8-byte aligned, reserved for the splitter. */
  control: number;
  /** The caller's instance of matmulRows and matmulTransARows, indexed by RowOp. */
  ops: readonly [RowsFunction, RowsFunction];
  /** Products with fewer multiply-adds (m·k·n) than this run on the caller alone. */
  minMultiplyAdds: number;
  /** Chunks per product (at most 30), of whole rows in multiples of 4. */
  chunks: number;
  /** The caller's adamStep; needed by `adam`. */
  adam?: AdamFunction;
  /** Adam steps over fewer elements than this run on the caller alone. */
  minAdamLength?: number;
  /** Chunks per Adam step (at most 30), in multiples of 4 elements. */
  adamChunks?: number;
  /** The caller's softmaxCrossEntropy; needed by `softmax`. */
  softmax?: SoftmaxFunction;
  /** Softmax calls over fewer rows than this run on the caller alone, in one piece. */
  minSoftmaxRows?: number;
  /** Chunks per softmax call (at most 30), of whole rows in multiples of 4. */
  softmaxChunks?: number;
  /** How long the helper polls for the next product before it sleeps in Atomics.wait, in ms. */
  helperSpinMs: number;
  /** See DEFAULT_HELPER_TIMEOUT_MS. */
  helperTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The loss sum and the two counts of a softmax call, as the single-threaded export returns them. */
export interface SoftmaxResult {
  lossSum: number;
  correct: number;
  collapsed: number;
}

export class RowSplitter {
  private readonly ctl: Int32Array;
  /** The float64 arguments, then one loss sum per softmax chunk. */
  private readonly floats: Float64Array;
  private readonly options: RowSplitterOptions;
  private worker: Worker | null = null;
  /** False once the helper failed, timed out or was closed; jobs then run on the caller alone. */
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
    this.floats = new Float64Array(buffer, options.control + FLOAT_ARGS_BYTE, FLOAT_ARGS + MAX_CHUNKS);
  }

  /** Runs rows [0, m) of `op` with accumulate = 0, on both threads when the product is large enough. */
  run(op: typeof RowOp.Matmul | typeof RowOp.MatmulTransA, a: number, b: number, c: number, m: number, k: number, n: number): void {
    const fn = this.options.ops[op];
    if (!this.usable || m < 8 || m * k * n < this.options.minMultiplyAdds) {
      fn(a, b, c, m, k, n, 0, m, 0);
      return;
    }
    this.setArgs([a, b, c, k, n]);
    this.split(op, m, this.options.chunks, (i0, i1) => fn(a, b, c, m, k, n, i0, i1, 0));
  }

  /**
   * Runs adamStep over `length` elements, on both threads when long enough. Each element's update depends on
   * that element alone, so the result equals one call's bit for bit however the elements are cut.
   */
  adam(param: number, grad: number, m: number, v: number, length: number, scalars: AdamScalars): void {
    const fn = this.options.adam;
    if (fn === undefined) throw new Error('This splitter was created without adamStep.');
    if (!this.usable || length < 8 || length < (this.options.minAdamLength ?? Infinity)) {
      fn(param, grad, m, v, length, ...scalars);
      return;
    }
    this.setArgs([param, grad, m, v]);
    this.floats.set(scalars);
    this.split(RowOp.Adam, length, this.options.adamChunks ?? this.options.chunks, (i0, i1) => {
      const o = 4 * i0;
      fn(param + o, grad + o, m + o, v + o, i1 - i0, ...scalars);
    });
  }

  /**
   * Runs softmaxCrossEntropy over `rows` rows. From minSoftmaxRows rows on, the rows are cut into the same chunks
   * whether the helper takes part or not (it may have failed), and the chunks' loss sums are added in chunk
   * order. The loss sum then depends only on the inputs and these options, though it may differ from one call
   * over all rows in the last bits. dLogits and the counts equal one call's exactly.
   * `exps` and `helperExps` are two scratch areas of `classes` float64 values.
   */
  softmax(
    logits: number, targets: number, dLogits: number, hasGrad: boolean, rows: number, classes: number,
    gradScale: number, float64: boolean, exps: number, helperExps: number, counts: number,
  ): SoftmaxResult {
    const fn = this.options.softmax;
    if (fn === undefined) throw new Error('This splitter was created without softmaxCrossEntropy.');
    const countsView = new Int32Array((this.options.memory as { buffer: SharedArrayBuffer }).buffer, counts, 2);
    if (rows < 8 || rows < (this.options.minSoftmaxRows ?? Infinity)) {
      const lossSum = fn(logits, targets, dLogits, hasGrad ? 1 : 0, rows, classes, gradScale, float64 ? 1 : 0, exps, counts);
      return { lossSum, correct: countsView[0], collapsed: countsView[1] };
    }
    const chunkCounts = this.options.control + COUNTS_BYTE;
    const chunk = (i0: number, i1: number, index: number) => {
      this.floats[FLOAT_ARGS + index] = fn(
        logits + 4 * i0 * classes, targets + 4 * i0, hasGrad ? dLogits + 4 * i0 * classes : 0, hasGrad ? 1 : 0, i1 - i0, classes,
        gradScale, float64 ? 1 : 0, exps, chunkCounts + 8 * index,
      );
    };
    const chunks = this.options.softmaxChunks ?? this.options.chunks;
    let total: number;
    if (this.usable) {
      this.setArgs([logits, targets, dLogits, hasGrad ? 1 : 0, classes, float64 ? 1 : 0, helperExps]);
      this.floats[0] = gradScale;
      total = this.split(RowOp.Softmax, rows, chunks, chunk);
    } else {
      total = this.alone(rows, chunks, chunk);
    }
    // Fixed chunk order; a float32 loss is summed in float32, as the single-threaded export sums its rows.
    let lossSum = 0;
    let correct = 0;
    let collapsed = 0;
    for (let index = 0; index < total; index++) {
      const part = this.floats[FLOAT_ARGS + index];
      lossSum = float64 ? lossSum + part : Math.fround(lossSum + part);
      correct += this.ctl[COUNTS_BYTE / 4 + 2 * index];
      collapsed += this.ctl[COUNTS_BYTE / 4 + 2 * index + 1];
    }
    return { lossSum, correct, collapsed };
  }

  private setArgs(args: readonly number[]): void {
    for (let i = 0; i < args.length; i++) Atomics.store(this.ctl, ARGS + i, args[i]);
  }

  /** The chunk size and count for `count` rows or elements in at most `chunks` chunks of multiples of 4. */
  private static plan(count: number, chunks: number): { size: number; total: number } {
    const requested = Math.max(1, Math.min(chunks, MAX_CHUNKS, Math.floor(count / 4)));
    const size = Math.ceil(count / requested / 4) * 4;
    return { size, total: Math.ceil(count / size) };
  }

  /** Runs every chunk of the plan on the caller; returns the chunk count. */
  private alone(count: number, chunks: number, fn: (i0: number, i1: number, index: number) => void): number {
    const { size, total } = RowSplitter.plan(count, chunks);
    for (let index = 0; index < total; index++) fn(index * size, Math.min(count, (index + 1) * size), index);
    return total;
  }

  /**
   * Cuts [0, count) into chunks and computes them on both threads; the arguments that the helper reads are
   * already in the control block. Returns the chunk count.
   */
  private split(op: RowOp, count: number, chunks: number, fn: (i0: number, i1: number, index: number) => void): number {
    this.start();
    const { size, total } = RowSplitter.plan(count, chunks);
    const ctl = this.ctl;
    Atomics.store(ctl, OP, op);
    Atomics.store(ctl, COUNT, count);
    Atomics.store(ctl, CHUNK_SIZE, size);
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
      const i0 = next * size;
      fn(i0, Math.min(count, i0 + size), next);
      mine |= 1 << next;
    }
    const all = (1 << total) - 1;
    if ((mine | Atomics.load(ctl, DONE_MASK)) !== all) mine |= this.waitForHelper(fn, count, size, total, mine, all, op !== RowOp.Adam);
    this.helperChunks += bitCount(all & ~mine);
    return total;
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
   * mask (else 0). A job that updates in place (`idempotent` false: Adam) is never recomputed after a timeout,
   * because a helper that is late rather than dead could still update the same elements a second time. The
   * caller then keeps waiting. The helper only fails before it writes: its adamStep works on ranges that the
   * caller checked, so it cannot trap halfway.
   * NOTE: a helper killed in the middle of an Adam chunk (not a JavaScript error, which sets FAILED) therefore
   * leaves the step waiting for good; the products and the softmax recover from it after the timeout.
   */
  private waitForHelper(
    fn: (i0: number, i1: number, index: number) => void, count: number, size: number, total: number, mine: number, all: number,
    idempotent: boolean,
  ): number {
    const ctl = this.ctl;
    const spinUntil = performance.now() + MAIN_SPIN_MS;
    while (((Atomics.load(ctl, DONE_MASK) | mine) !== all) && performance.now() < spinUntil);
    const timeout = this.options.helperTimeoutMs ?? DEFAULT_HELPER_TIMEOUT_MS;
    let deadline = performance.now() + timeout;
    for (;;) {
      const done = Atomics.load(ctl, DONE_MASK);
      if ((done | mine) === all) return 0;
      if (Atomics.load(ctl, FAILED) !== 0) break;
      let left = deadline - performance.now();
      if (left <= 0 && !idempotent) {
        this.warn(`the helper thread did not finish an Adam chunk within ${timeout} ms`, 'the step waits for it, because Adam updates in place');
        deadline = Infinity;
        left = Infinity;
      }
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
    // The helper failed or stalled: compute its chunks here. Split products never accumulate, and Adam and the
    // softmax read nothing that they write, so a chunk the helper finishes late writes the same values again.
    const failed = Atomics.load(ctl, FAILED) !== 0;
    this.warn(failed ? 'the helper thread failed' : `the helper thread did not finish within ${timeout} ms`);
    this.close();
    const missing = all & ~(mine | Atomics.load(ctl, DONE_MASK));
    for (let chunk = 0; chunk < total; chunk++) {
      if ((missing & (1 << chunk)) === 0) continue;
      const i0 = chunk * size;
      fn(i0, Math.min(count, i0 + size), chunk);
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

  private warn(reason: string, consequence = 'large matrix products, Adam and the softmax now run on one thread'): void {
    if (this.warned) return;
    this.warned = true;
    this.options.log?.(`wasm-simd: ${reason}; ${consequence}.`);
  }
}

function bitCount(x: number): number {
  let count = 0;
  for (let v = x; v !== 0; v &= v - 1) count++;
  return count;
}
