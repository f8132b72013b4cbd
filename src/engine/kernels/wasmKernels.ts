import { readFile } from 'node:fs/promises';
import type { ConvKernels, FloatArray, Kernels } from './types';
import { WasmConvKernels, type WasmMemoryAccess } from './wasmConvKernels';
import { CONTROL_INTS, RowOp, RowSplitter } from './wasmThreads';

/**
 * The WebAssembly SIMD kernel set: src/engine/kernels/wasm/ compiled by scripts/build-wasm.mjs to
 * dist/kernels.wasm, on a memory of its own.
 *
 * Memory rule: `alloc` hands out views by bump allocation and never frees. The memory is a shared
 * WebAssembly.Memory, so growing it never detaches a view handed out earlier, because a SharedArrayBuffer is
 * never detached. Old views keep their length and stay valid for the kernel set's lifetime.
 * Because the views are shared, posting one to another thread shares it; post `view.slice()` to send a copy.
 */

/** WebAssembly page size in bytes. */
const PAGE_BYTES = 65536;
/** Must equal MAXIMUM_PAGES in scripts/build-wasm.mjs, because a shared memory import must match its declared maximum. */
const MAXIMUM_PAGES = 32768;
/** The first 16 pages (1 MiB) contain the module's static data and the small scratch areas. */
const INITIAL_PAGES = 16;
/** Allocations start at 16-byte boundaries so that v128 loads of a buffer's start are aligned. */
const ALIGN = 16;

/** The module's exports (src/engine/kernels/wasm/index.ts). Pointers are byte offsets; booleans are 0 or 1. */
export interface KernelExports {
  heapBase(): number;
  matmulRows(a: number, b: number, c: number, m: number, k: number, n: number, i0: number, i1: number, accumulate: number): void;
  matmulTransARows(a: number, b: number, c: number, m: number, k: number, n: number, i0: number, i1: number, accumulate: number): void;
  transpose(src: number, dst: number, rows: number, cols: number): void;
  gatherRows(weight: number, bias: number, index: number, width: number, y: number, rows: number, n: number): void;
  scatterAddRows(dy: number, index: number, width: number, dWeight: number, rows: number, n: number): void;
  addBias(y: number, bias: number, rows: number, n: number): void;
  sumRows(dy: number, dBias: number, rows: number, n: number, accumulate: number): void;
  relu(x: number, y: number, length: number): void;
  reluBackward(y: number, dy: number, dx: number, length: number): void;
  softmaxCrossEntropy(
    logits: number, targets: number, dLogits: number, hasGrad: number, rows: number, classes: number,
    gradScale: number, float64: number, exps: number, counts: number,
  ): number;
  adamStep(
    param: number, grad: number, m: number, v: number, length: number,
    stepSize: number, sqrtBias2: number, beta1: number, beta2: number, eps: number, coupledDecay: number, shrink: number,
  ): void;
  sumSquares(x: number, length: number): number;
  conv3x3Forward(
    input: number, weight: number, bias: number, output: number,
    batch: number, inChannels: number, outChannels: number, height: number, width: number, pad: number,
  ): void;
  conv3x3Backward(
    input: number, weight: number, dOutput: number, dInput: number, hasInputGrad: number, dWeight: number, dBias: number,
    batch: number, inChannels: number, outChannels: number, height: number, width: number, pad: number,
  ): void;
  maxPool2x2Forward(input: number, output: number, argmax: number, planes: number, height: number, width: number): void;
  maxPool2x2Backward(dOutput: number, argmax: number, dInput: number, inLength: number): void;
  exp64(x: number): number;
  log64(x: number): number;
  log1p64(x: number): number;
}

/** The parts of the WebAssembly JavaScript API used here; the project's TypeScript libraries declare none. */
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ module: unknown; instance: { exports: unknown } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface KernelModule {
  readonly exports: KernelExports;
  readonly memory: WasmMemory;
  /** The compiled WebAssembly.Module, which a helper thread instantiates on the same memory. */
  readonly module: unknown;
}

/** Options of the 'wasm-simd' set for its large matrix products. */
export interface WasmKernelOptions {
  /** 1: every product on the calling thread. 2: large products split with a helper worker (wasmThreads.ts). */
  threads?: 1 | 2;
  /** Products with fewer multiply-adds (m·k·n) run on one thread; the default comes from the README's measurements. */
  minMultiplyAdds?: number;
  /** Chunks of rows per split product; the default comes from the README's measurements. */
  chunks?: number;
  /** Adam steps over fewer parameters run on one thread; the default comes from the README's measurements. */
  minAdamLength?: number;
  /** Chunks per split Adam step; the default comes from the README's measurements. */
  adamChunks?: number;
  /** Softmax calls over fewer rows run on one thread; the default comes from the README's measurements. */
  minSoftmaxRows?: number;
  /** Chunks of rows per split softmax call; the default comes from the README's measurements. */
  softmaxChunks?: number;
  /** How long the helper polls for the next product before it sleeps, in ms. */
  helperSpinMs?: number;
  /** How long a product waits for the helper before computing its rows alone, in ms (wasmThreads.ts). */
  helperTimeoutMs?: number;
  /** Receives the one line written when the helper fails and products fall back to one thread. */
  log?: (line: string) => void;
}

/**
 * Smallest product that is split between two threads, in multiply-adds. Measured in src/engine/kernels/wasm/README.md
 * ("A second thread").
 */
export const DEFAULT_MIN_MULTIPLY_ADDS = 1 << 18;
/** Chunks per split product; measured in the same section. */
export const DEFAULT_CHUNKS = 8;
/** Smallest Adam step split between two threads, in parameters; measured in the same section. */
export const DEFAULT_MIN_ADAM_LENGTH = 1 << 13;
/** Chunks per split Adam step; measured in the same section. */
export const DEFAULT_ADAM_CHUNKS = 8;
/** Smallest softmax call split between two threads, in rows; measured in the same section. */
export const DEFAULT_MIN_SOFTMAX_ROWS = 16;
/** Chunks per split softmax call; measured in the same section. */
export const DEFAULT_SOFTMAX_CHUNKS = 8;
/** Helper poll time after each product, in ms; measured in the same section. */
export const DEFAULT_HELPER_SPIN_MS = 0.2;

/** Instantiates dist/kernels.wasm (or the module at `wasmPath`) on a new shared memory. */
export async function instantiateKernelModule(wasmPath: string): Promise<KernelModule> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(wasmPath);
  } catch (err) {
    throw new Error(`Cannot read the WebAssembly kernels at ${wasmPath} (${(err as Error).message}); build them with \`node scripts/build-wasm.mjs\`.`);
  }
  const memory = new webAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAXIMUM_PAGES, shared: true });
  const { module, instance } = await webAssembly.instantiate(bytes, { env: { memory } });
  return { exports: instance.exports as KernelExports, memory, module };
}

/**
 * Creates the 'wasm-simd' kernel set from the module at `wasmPath` (normally dist/kernels.wasm). Its `conv`
 * member is the matching convolution set, which works on buffers from this set's `alloc`.
 */
export async function createWasmKernels(
  wasmPath: string, options: WasmKernelOptions = {},
): Promise<Kernels & { readonly conv: ConvKernels; readonly helperChunks: number; dispose(): void }> {
  return new WasmKernels(await instantiateKernelModule(wasmPath), options);
}

/** Stops the helper thread of a kernel set that was collected without `dispose`. */
const helpers = new FinalizationRegistry<RowSplitter>((splitter) => splitter.close());

const alignUp = (x: number) => Math.ceil(x / ALIGN) * ALIGN;

class WasmKernels implements Kernels, WasmMemoryAccess {
  /** 'wasm-simd', or 'wasm-simd-2t' when large products are split with a helper thread. */
  readonly name: string;
  readonly conv: ConvKernels;

  private readonly wasm: KernelExports;
  private readonly memory: WasmMemory;
  /** Next free byte of the bump allocator. */
  private top: number;
  /** Every SharedArrayBuffer object that `memory.buffer` has returned; a new one appears after each grow. */
  private readonly ownBuffers = new WeakSet<object>();

  /** Two int32 results of softmaxCrossEntropy: correct and collapsed. */
  private readonly counts: Int32Array;
  /**
   * Scratch areas by purpose: 'products' for Bᵀ in matmulTransB and the exponentials of softmaxCrossEntropy,
   * 'helper exponentials' for those of the softmax rows that the helper thread computes.
   */
  private readonly scratch = new Map<string, { offset: number; bytes: number }>();
  /** Copies of Int32Array arguments that do not live in this memory. */
  private staging: { offset: number; view: Int32Array } = { offset: 0, view: new Int32Array(0) };
  /** Splits large products with a helper thread; null on one thread. */
  private readonly splitter: RowSplitter | null = null;

  constructor(module: KernelModule, options: WasmKernelOptions) {
    this.wasm = module.exports;
    this.memory = module.memory;
    this.top = alignUp(this.wasm.heapBase());
    const countsOffset = this.reserve(2 * 4);
    this.counts = new Int32Array(this.currentBuffer(), countsOffset, 2);
    this.conv = new WasmConvKernels(this);
    const threads = options.threads ?? 1;
    if (threads !== 1 && threads !== 2) throw new RangeError(`The wasm-simd kernels run on 1 or 2 threads, not ${String(threads)}.`);
    this.name = threads === 2 ? 'wasm-simd-2t' : 'wasm-simd';
    if (threads === 2) {
      this.splitter = new RowSplitter({
        module: module.module,
        memory: module.memory,
        control: this.reserve(CONTROL_INTS * 4),
        ops: [this.wasm.matmulRows, this.wasm.matmulTransARows],
        minMultiplyAdds: options.minMultiplyAdds ?? DEFAULT_MIN_MULTIPLY_ADDS,
        chunks: options.chunks ?? DEFAULT_CHUNKS,
        adam: this.wasm.adamStep,
        minAdamLength: options.minAdamLength ?? DEFAULT_MIN_ADAM_LENGTH,
        adamChunks: options.adamChunks ?? DEFAULT_ADAM_CHUNKS,
        softmax: this.wasm.softmaxCrossEntropy,
        minSoftmaxRows: options.minSoftmaxRows ?? DEFAULT_MIN_SOFTMAX_ROWS,
        softmaxChunks: options.softmaxChunks ?? DEFAULT_SOFTMAX_CHUNKS,
        helperSpinMs: options.helperSpinMs ?? DEFAULT_HELPER_SPIN_MS,
        helperTimeoutMs: options.helperTimeoutMs,
        log: options.log,
      });
      helpers.register(this, this.splitter, this);
    }
  }

  /** Number of row chunks that the helper thread computed so far (0 on one thread), for tests and benchmarks. */
  get helperChunks(): number {
    return this.splitter?.helperChunks ?? 0;
  }

  /** Stops the helper thread, if any; the set keeps working on one thread. */
  dispose(): void {
    if (this.splitter === null) return;
    helpers.unregister(this);
    this.splitter.close();
  }

  get exports(): KernelExports {
    return this.wasm;
  }

  alloc(length: number): Float32Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError(`alloc length must be a non-negative integer, got ${length}`);
    const offset = this.reserve(length * 4);
    return new Float32Array(this.currentBuffer(), offset, length);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Matrix products

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    const pa = this.floats(a, m * k, 'a');
    const pb = this.floats(b, k * n, 'b');
    const pc = this.floats(c, m * n, 'c');
    this.rows(RowOp.Matmul, pa, pb, pc, m, k, n, accumulate);
  }

  matmulTransB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    const pa = this.floats(a, m * k, 'a');
    const pb = this.floats(b, n * k, 'b');
    const pc = this.floats(c, m * n, 'c');
    const bt = this.scratchBytes('products', k * n * 4);
    this.wasm.transpose(pb, bt, n, k);
    this.rows(RowOp.Matmul, pa, bt, pc, m, k, n, accumulate);
  }

  matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    const pa = this.floats(a, k * m, 'a');
    const pb = this.floats(b, k * n, 'b');
    const pc = this.floats(c, m * n, 'c');
    this.rows(RowOp.MatmulTransA, pa, pb, pc, m, k, n, accumulate);
  }

  /** Runs all rows of a product, split with the helper unless it accumulates (see RowSplitter). */
  private rows(op: typeof RowOp.Matmul | typeof RowOp.MatmulTransA, pa: number, pb: number, pc: number, m: number, k: number, n: number, accumulate: boolean): void {
    if (this.splitter !== null && !accumulate) {
      this.splitter.run(op, pa, pb, pc, m, k, n);
    } else if (op === RowOp.Matmul) {
      this.wasm.matmulRows(pa, pb, pc, m, k, n, 0, m, accumulate ? 1 : 0);
    } else {
      this.wasm.matmulTransARows(pa, pb, pc, m, k, n, 0, m, accumulate ? 1 : 0);
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Many-hot input layer

  gatherRows(weight: FloatArray, bias: FloatArray, index: Int32Array, width: number, y: FloatArray, rows: number, n: number): void {
    const pw = this.floats(weight, 0, 'weight');
    const pb = this.floats(bias, n, 'bias');
    const py = this.floats(y, rows * n, 'y');
    const pi = this.indices(index, rows * width, Math.floor(weight.length / n), 'index');
    this.wasm.gatherRows(pw, pb, pi, width, py, rows, n);
  }

  scatterAddRows(dy: FloatArray, index: Int32Array, width: number, dWeight: FloatArray, rows: number, n: number): void {
    const pd = this.floats(dy, rows * n, 'dy');
    const pw = this.floats(dWeight, 0, 'dWeight');
    const pi = this.indices(index, rows * width, Math.floor(dWeight.length / n), 'index');
    this.wasm.scatterAddRows(pd, pi, width, pw, rows, n);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Bias and ReLU

  addBias(y: FloatArray, bias: FloatArray, rows: number, n: number): void {
    this.wasm.addBias(this.floats(y, rows * n, 'y'), this.floats(bias, n, 'bias'), rows, n);
  }

  sumRows(dy: FloatArray, dBias: FloatArray, rows: number, n: number, accumulate = false): void {
    this.wasm.sumRows(this.floats(dy, rows * n, 'dy'), this.floats(dBias, n, 'dBias'), rows, n, accumulate ? 1 : 0);
  }

  relu(x: FloatArray, y: FloatArray, length: number): void {
    this.wasm.relu(this.floats(x, length, 'x'), this.floats(y, length, 'y'), length);
  }

  reluBackward(y: FloatArray, dy: FloatArray, dx: FloatArray, length: number): void {
    this.wasm.reluBackward(this.floats(y, length, 'y'), this.floats(dy, length, 'dy'), this.floats(dx, length, 'dx'), length);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Loss, optimiser, norms

  softmaxCrossEntropy(
    logits: FloatArray, targets: Int32Array, dLogits: FloatArray | null, rows: number, classes: number,
    gradScale: number, float64: boolean,
  ): { lossSum: number; correct: number; collapsed: number } {
    const pl = this.floats(logits, rows * classes, 'logits');
    const pd = dLogits === null ? 0 : this.floats(dLogits, rows * classes, 'dLogits');
    const pt = this.indices(targets, rows, classes, 'targets');
    const exps = this.scratchBytes('products', classes * 8);
    if (this.splitter !== null) {
      const helperExps = this.scratchBytes('helper exponentials', classes * 8);
      return this.splitter.softmax(pl, pt, pd, dLogits !== null, rows, classes, gradScale, float64, exps, helperExps, this.counts.byteOffset);
    }
    const lossSum = this.wasm.softmaxCrossEntropy(pl, pt, pd, dLogits === null ? 0 : 1, rows, classes, gradScale, float64 ? 1 : 0, exps, this.counts.byteOffset);
    return { lossSum, correct: this.counts[0], collapsed: this.counts[1] };
  }

  adamStep(
    param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, length: number,
    step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, coupled: boolean,
  ): void {
    // The step-dependent scalars are computed here exactly as the TypeScript set computes them.
    const stepSize = lr / (1 - Math.pow(beta1, step));
    const sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, step));
    const coupledDecay = coupled ? weightDecay : 0;
    const shrink = coupled ? 1 : 1 - lr * weightDecay;
    const pointers = [
      this.floats(param, length, 'param'), this.floats(grad, length, 'grad'), this.floats(m, length, 'm'), this.floats(v, length, 'v'),
    ] as const;
    if (this.splitter !== null) {
      this.splitter.adam(...pointers, length, [stepSize, sqrtBias2, beta1, beta2, eps, coupledDecay, shrink]);
    } else {
      this.wasm.adamStep(...pointers, length, stepSize, sqrtBias2, beta1, beta2, eps, coupledDecay, shrink);
    }
  }

  sumSquares(x: FloatArray, length: number): number {
    return this.wasm.sumSquares(this.floats(x, length, 'x'), length);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Memory

  /** Returns the byte offset of `x` after checking that it is a view of this memory with at least `needed` floats. */
  floats(x: FloatArray, needed: number, label: string): number {
    if (!(x instanceof Float32Array)) {
      throw new TypeError(`The wasm-simd kernels take Float32Array buffers only; ${label} is a ${x.constructor.name}. Use the TypeScript kernels for float64.`);
    }
    if (!this.ownBuffers.has(x.buffer)) {
      throw new Error(`${label} is not a buffer of this kernel set; allocate it with the same kernel set's alloc().`);
    }
    if (x.length < needed) throw new RangeError(`${label} has ${x.length} floats but the call needs ${needed}.`);
    return x.byteOffset;
  }

  /**
   * Returns the byte offset of `count` int32 values of `x` inside this memory, copying them into the staging
   * area when `x` lives elsewhere, after checking that each lies in [0, limit).
   */
  private indices(x: Int32Array, count: number, limit: number, label: string): number {
    if (x.length < count) throw new RangeError(`${label} has ${x.length} entries but the call needs ${count}.`);
    for (let i = 0; i < count; i++) {
      const v = x[i];
      if (v < 0 || v >= limit) throw new RangeError(`${label}[${i}] = ${v} is outside [0, ${limit}).`);
    }
    if (this.ownBuffers.has(x.buffer)) return x.byteOffset;
    if (this.staging.view.length < count) {
      const capacity = Math.max(count, 2 * this.staging.view.length);
      const offset = this.reserve(capacity * 4);
      this.staging = { offset, view: new Int32Array(this.currentBuffer(), offset, capacity) };
    }
    this.staging.view.set(count === x.length ? x : x.subarray(0, count));
    return this.staging.offset;
  }

  /**
   * Returns the offset of the scratch area `purpose` with at least `bytes`, 16-byte aligned; a larger request
   * replaces the area for good. Areas of different purposes never overlap.
   */
  scratchBytes(purpose: string, bytes: number): number {
    let area = this.scratch.get(purpose);
    if (area === undefined || area.bytes < bytes) {
      const size = Math.max(bytes, 2 * (area?.bytes ?? 0));
      area = { offset: this.reserve(size), bytes: size };
      this.scratch.set(purpose, area);
    }
    return area.offset;
  }

  /** Returns a view of `count` int32 values at `offset` in the current memory buffer. */
  int32View(offset: number, count: number): Int32Array {
    return new Int32Array(this.currentBuffer(), offset, count);
  }

  ownsBuffer(buffer: ArrayBufferLike): boolean {
    return this.ownBuffers.has(buffer);
  }

  /** Bump-allocates `bytes` at a 16-byte boundary, growing the memory when needed; never freed. */
  private reserve(bytes: number): number {
    const offset = alignUp(this.top);
    const end = offset + bytes;
    if (end > MAXIMUM_PAGES * PAGE_BYTES) {
      throw new RangeError(`The wasm-simd kernels cannot allocate ${bytes} bytes: their memory would exceed its maximum of ${MAXIMUM_PAGES * PAGE_BYTES} bytes.`);
    }
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      // Grow by at least a quarter of the current size so that many small allocations cost few grows.
      const pages = Math.max(Math.ceil((end - size) / PAGE_BYTES), Math.ceil(size / PAGE_BYTES / 4));
      this.memory.grow(Math.min(pages, MAXIMUM_PAGES - size / PAGE_BYTES));
    }
    this.top = end;
    return offset;
  }

  private currentBuffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    this.ownBuffers.add(buffer);
    return buffer;
  }
}
