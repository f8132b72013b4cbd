// Times one full-batch training step of the Ising CNN of Manning-Coe et al. 2025 (arXiv 2502.01739): 1×16×16
// spins → conv 1→2 → pool → conv 2→4 → pool → 64 → 100 → 2, batch 300, Adam with coupled weight decay 0.1. The
// step runs on three kernel combinations: TypeScript throughout, wasm-simd with the TypeScript convolutions, and
// wasm-simd throughout. Also times the convolution and pooling calls alone. Prints medians of repeated runs.
// Run: node scripts/build-wasm.mjs && npx tsx bench/ising-step.ts [steps per run, default 300]
import * as path from 'node:path';
import type { ConvKernels, FloatArray, Kernels } from '../src/engine/kernels/types';
import { TypeScriptKernels } from '../src/engine/kernels/typescript';
import { TypeScriptConvKernels } from '../src/engine/kernels/typescriptConv';
import { createWasmKernels } from '../src/engine/kernels/wasmKernels';
import { Cnn } from '../src/engine/model/cnn';
import { Rng } from '../src/engine/rng';

/** The paper's Ising training set is 300 snapshots, trained full batch. */
const BATCH = 300;
const SHAPE = { lattice: 16, channels: [2, 4], hidden: [100], classes: 2 };
const RUNS = 5;

const steps = Number(process.argv[2] ?? 300);

interface Setup {
  name: string;
  kernels: Kernels;
  conv: ConvKernels;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Builds the CNN and a random batch of ±1 spins with random labels on `setup`'s kernels. */
function build(setup: Setup) {
  const { kernels, conv } = setup;
  const model = new Cnn(kernels, conv, SHAPE, BATCH);
  model.init(new Rng(1), 'pytorch-default', 1);
  const rng = new Rng(2);
  const input = kernels.alloc(BATCH * 256);
  for (let i = 0; i < input.length; i++) input[i] = rng.below(2) === 0 ? -1 : 1;
  const targets = new Int32Array(BATCH);
  for (let r = 0; r < BATCH; r++) targets[r] = rng.below(2);
  const m = kernels.alloc(model.parameterCount);
  const v = kernels.alloc(model.parameterCount);
  let step = 0;
  const trainStep = (): void => {
    model.forward(input, BATCH);
    kernels.softmaxCrossEntropy(model.logits, targets, model.dLogits, BATCH, 2, 1 / BATCH, false);
    model.backward(input, BATCH);
    step++;
    kernels.adamStep(model.params, model.grads, m, v, model.parameterCount, step, 1e-4, 0.9, 0.999, 1e-8, 0.1, true);
  };
  return { model, input, trainStep };
}

/** Returns the median over RUNS of the mean milliseconds per call of `work`. */
function time(work: () => void, calls: number): number {
  const perRun: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) work();
    perRun.push((performance.now() - start) / calls);
  }
  return median(perRun);
}

/** Times the two convolution blocks' kernel calls on the buffers of a forward and backward pass. */
function timeConvCalls(setup: Setup, input: FloatArray): { forward: number; backward: number } {
  const { kernels, conv } = setup;
  const alloc = (n: number) => kernels.alloc(n);
  const w1 = alloc(18), b1 = alloc(2), w2 = alloc(72), b2 = alloc(4);
  const rng = new Rng(3);
  for (const w of [w1, b1, w2, b2]) for (let i = 0; i < w.length; i++) w[i] = 2 * rng.uniform() - 1;
  const pre1 = alloc(BATCH * 512), pool1 = alloc(BATCH * 128), arg1 = new Int32Array(BATCH * 128);
  const pre2 = alloc(BATCH * 256), pool2 = alloc(BATCH * 64), arg2 = new Int32Array(BATCH * 64);
  const dW1 = alloc(18), dB1 = alloc(2), dW2 = alloc(72), dB2 = alloc(4), dPool1 = alloc(BATCH * 128);
  const forward = (): void => {
    conv.conv3x3Forward(input, w1, b1, pre1, BATCH, 1, 2, 16, 16);
    conv.maxPool2x2Forward(pre1, pool1, arg1, BATCH, 2, 16, 16);
    conv.conv3x3Forward(pool1, w2, b2, pre2, BATCH, 2, 4, 8, 8);
    conv.maxPool2x2Forward(pre2, pool2, arg2, BATCH, 4, 8, 8);
  };
  const backward = (): void => {
    conv.maxPool2x2Backward(pool2, arg2, pre2, BATCH, 4, 8, 8);
    conv.conv3x3Backward(pool1, w2, pre2, dPool1, dW2, dB2, BATCH, 2, 4, 8, 8);
    conv.maxPool2x2Backward(dPool1, arg1, pre1, BATCH, 2, 16, 16);
    conv.conv3x3Backward(input, w1, pre1, null, dW1, dB1, BATCH, 1, 2, 16, 16);
  };
  forward();
  return { forward: time(forward, steps), backward: time(backward, steps) };
}

async function main(): Promise<void> {
  const wasm = await createWasmKernels(path.resolve(__dirname, '../dist/kernels.wasm'));
  const typescript = new TypeScriptKernels();
  const setups: Setup[] = [
    { name: 'TypeScript kernels + TypeScript conv', kernels: typescript, conv: new TypeScriptConvKernels() },
    { name: 'wasm-simd kernels + TypeScript conv', kernels: wasm, conv: new TypeScriptConvKernels() },
    { name: 'wasm-simd kernels + wasm-simd conv', kernels: wasm, conv: wasm.conv },
  ];
  console.log(`Ising CNN step, batch ${BATCH}, ${steps} steps per run, median of ${RUNS} runs`);
  for (const setup of setups) {
    const { input, trainStep } = build(setup);
    for (let w = 0; w < 50; w++) trainStep();
    const stepMs = time(trainStep, steps);
    const conv = timeConvCalls(setup, input);
    console.log(
      `${setup.name.padEnd(40)} step ${stepMs.toFixed(3)} ms   conv+pool forward ${conv.forward.toFixed(3)} ms, backward ${conv.backward.toFixed(3)} ms`,
    );
  }
}

void main();
