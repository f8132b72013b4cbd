// Times one training step of the modular-addition MLP (P = 113: two-hot 226 → 512 → ReLU → 113, batch 64,
// AdamW over all 174,193 parameters) and one evaluation pass over the 3831 test rows, on the wasm-simd and the
// TypeScript kernel sets. The step runs twice: on early-training values, and on late-training values
// (parameters ≈ 1e-20, Adam moments ≈ 1e-38) that would be subnormal-heavy without the flush to zero.
// Prints medians over repeated runs and a per-kernel split of the wasm step.
// Run: node scripts/build-wasm.mjs && npx tsx bench/kernels.ts [wasm steps, default 2000]
import * as path from 'node:path';
import type { Kernels } from '../src/engine/kernels/types';
import { TypeScriptKernels } from '../src/engine/kernels/typescript';
import { createWasmKernels } from '../src/engine/kernels/wasmKernels';
import { Rng } from '../src/engine/rng';

const P = 113;
const INPUTS = 2 * P;
const HIDDEN = 512;
const BATCH = 64;
/** 30% of the 113² pairs are held out in the paper's split. */
const TEST_ROWS = 3831;

const wasmSteps = Number(process.argv[2] ?? 2000);

/** Buffers of one model and its optimiser, all from one kernel set. */
class Model {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly m: Float32Array;
  readonly v: Float32Array;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  readonly dW1: Float32Array;
  readonly dB1: Float32Array;
  readonly dW2: Float32Array;
  readonly dB2: Float32Array;
  readonly pre: Float32Array;
  readonly hidden: Float32Array;
  readonly logits: Float32Array;
  readonly dLogits: Float32Array;
  readonly dHidden: Float32Array;
  readonly evalHidden: Float32Array;
  readonly evalLogits: Float32Array;
  step = 0;

  constructor(readonly k: Kernels) {
    const sizes = [INPUTS * HIDDEN, HIDDEN, HIDDEN * P, P];
    const total = sizes.reduce((a, b) => a + b, 0);
    this.params = k.alloc(total);
    this.grads = k.alloc(total);
    this.m = k.alloc(total);
    this.v = k.alloc(total);
    const views = (x: Float32Array) => {
      let offset = 0;
      return sizes.map((size) => x.subarray(offset, (offset += size)));
    };
    [this.w1, this.b1, this.w2, this.b2] = views(this.params);
    [this.dW1, this.dB1, this.dW2, this.dB2] = views(this.grads);
    this.pre = k.alloc(BATCH * HIDDEN);
    this.hidden = k.alloc(BATCH * HIDDEN);
    this.logits = k.alloc(BATCH * P);
    this.dLogits = k.alloc(BATCH * P);
    this.dHidden = k.alloc(BATCH * HIDDEN);
    this.evalHidden = k.alloc(TEST_ROWS * HIDDEN);
    this.evalLogits = k.alloc(TEST_ROWS * P);
  }

  /** Named kernel calls of one training step on the batch (index: [BATCH, 2], targets: [BATCH]). */
  stepCalls(index: Int32Array, targets: Int32Array): [string, () => void][] {
    const k = this.k;
    return [
      ['gatherRows', () => k.gatherRows(this.w1, this.b1, index, 2, this.pre, BATCH, HIDDEN)],
      ['relu', () => k.relu(this.pre, this.hidden, BATCH * HIDDEN)],
      ['matmul', () => k.matmul(this.hidden, this.w2, this.logits, BATCH, HIDDEN, P)],
      ['addBias', () => k.addBias(this.logits, this.b2, BATCH, P)],
      ['softmaxCrossEntropy', () => k.softmaxCrossEntropy(this.logits, targets, this.dLogits, BATCH, P, 1 / BATCH, true)],
      ['matmulTransA', () => k.matmulTransA(this.hidden, this.dLogits, this.dW2, HIDDEN, BATCH, P)],
      ['sumRows dB2', () => k.sumRows(this.dLogits, this.dB2, BATCH, P)],
      ['matmulTransB', () => k.matmulTransB(this.dLogits, this.w2, this.dHidden, BATCH, P, HIDDEN)],
      ['reluBackward', () => k.reluBackward(this.hidden, this.dHidden, this.dHidden, BATCH * HIDDEN)],
      ['sumRows dB1', () => k.sumRows(this.dHidden, this.dB1, BATCH, HIDDEN)],
      ['zero dW1', () => this.dW1.fill(0)],
      ['scatterAddRows', () => k.scatterAddRows(this.dHidden, index, 2, this.dW1, BATCH, HIDDEN)],
      ['adamStep', () => k.adamStep(this.params, this.grads, this.m, this.v, this.params.length, ++this.step, 1e-3, 0.9, 0.98, 1e-8, 1, false)],
    ];
  }

  evaluate(index: Int32Array, targets: Int32Array): void {
    const k = this.k;
    k.gatherRows(this.w1, this.b1, index, 2, this.evalHidden, TEST_ROWS, HIDDEN);
    k.relu(this.evalHidden, this.evalHidden, TEST_ROWS * HIDDEN);
    k.matmul(this.evalHidden, this.w2, this.evalLogits, TEST_ROWS, HIDDEN, P);
    k.addBias(this.evalLogits, this.b2, TEST_ROWS, P);
    k.softmaxCrossEntropy(this.evalLogits, targets, null, TEST_ROWS, P, 1, true);
  }
}

/** Two-hot rows (a, P + b) with target (a + b) mod P. */
function makeBatch(rng: Rng, rows: number): { index: Int32Array; targets: Int32Array } {
  const index = new Int32Array(rows * 2);
  const targets = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const a = rng.below(P);
    const b = rng.below(P);
    index[2 * r] = a;
    index[2 * r + 1] = P + b;
    targets[r] = (a + b) % P;
  }
  return { index, targets };
}

/** Parameters and Adam moments of one training phase, copied into a model before each timed step. */
interface State {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  step: number;
}

/**
 * Returns early-training values (weights of Xavier scale, zero moments) or late-training values, where weights
 * of 1e-20 make the forward products 1e-40 (subnormal) and moments of 1e-38 sit at the flush threshold.
 */
function makeState(length: number, late: boolean): State {
  const rng = new Rng(late ? 3 : 4);
  const signed = (scale: number) => (rng.uniform() < 0.5 ? -1 : 1) * scale * (0.5 + rng.uniform());
  const state = { params: new Float32Array(length), m: new Float32Array(length), v: new Float32Array(length), step: late ? 100000 : 0 };
  for (let i = 0; i < length; i++) {
    state.params[i] = late ? signed(1e-20) : signed(0.05);
    state.m[i] = late ? signed(1.5e-38) : 0;
    state.v[i] = late ? 1.5e-38 * (1 + rng.uniform()) : 0;
  }
  return state;
}

function restore(model: Model, state: State): void {
  model.params.set(state.params);
  model.m.set(state.m);
  model.v.set(state.v);
  model.step = state.step;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Returns the median ms per step over `steps` steps. The state is restored before every step, outside the
 * timing, because one Adam step already moves late-training weights out of the subnormal-product range.
 */
function timeSteps(model: Model, state: State, steps: number, split?: Map<string, number[]>): number {
  const rng = new Rng(1);
  const batches = Array.from({ length: 16 }, () => makeBatch(rng, BATCH));
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    restore(model, state);
    const { index, targets } = batches[s % batches.length];
    const calls = model.stepCalls(index, targets);
    const start = performance.now();
    if (split) {
      for (const [name, call] of calls) {
        const t = performance.now();
        call();
        const list = split.get(name) ?? [];
        list.push(performance.now() - t);
        split.set(name, list);
      }
    } else {
      for (const [, call] of calls) call();
    }
    times.push(performance.now() - start);
  }
  return median(times);
}

function timeEvaluation(model: Model, state: State, runs: number): number {
  const { index, targets } = makeBatch(new Rng(2), TEST_ROWS);
  restore(model, state);
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    model.evaluate(index, targets);
    times.push(performance.now() - start);
  }
  return median(times);
}

async function main(): Promise<void> {
  const wasm = new Model(await createWasmKernels(path.resolve(__dirname, '../dist/kernels.wasm')));
  const ts = new Model(new TypeScriptKernels());
  const tsSteps = Math.max(20, Math.round(wasmSteps / 50));
  const early = makeState(wasm.params.length, false);
  const late = makeState(wasm.params.length, true);

  // Warm-up so that V8 has optimised both sets before timing.
  timeSteps(wasm, early, 200);
  timeSteps(ts, early, 10);

  console.log(`modular-addition step (batch ${BATCH}, ${wasm.params.length} parameters), median ms per step:`);
  for (const [label, state] of [['early-training values', early], ['late-training values (θ ≈ 1e-20, m, v ≈ 1e-38)', late]] as const) {
    const w = timeSteps(wasm, state, wasmSteps);
    const t = timeSteps(ts, state, tsSteps);
    console.log(`  ${label}: wasm-simd ${w.toFixed(3)}  typescript ${t.toFixed(3)}  (${(t / w).toFixed(1)}×)`);
  }

  console.log(`evaluation of ${TEST_ROWS} rows, median ms:`);
  const we = timeEvaluation(wasm, early, 50);
  const te = timeEvaluation(ts, early, 5);
  console.log(`  wasm-simd ${we.toFixed(2)}  typescript ${te.toFixed(2)}  (${(te / we).toFixed(1)}×)`);

  for (const [label, state] of [['early', early], ['late', late]] as const) {
    const split = new Map<string, number[]>();
    timeSteps(wasm, state, wasmSteps, split);
    const parts = [...split].map(([name, list]) => `${name} ${(median(list) * 1000).toFixed(0)}`);
    console.log(`wasm-simd split, µs (${label} values): ${parts.join(', ')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
