import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrGenerateIsing } from '../../src/engine/data/ising/cache';
import { loadConvKernels } from '../../src/engine/kernels';
import type { ConvKernels, Kernels } from '../../src/engine/kernels/types';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { TypeScriptConvKernels } from '../../src/engine/kernels/typescriptConv';
import { createWasmKernels } from '../../src/engine/kernels/wasmKernels';
import { Rng } from '../../src/engine/rng';
import { isingParamsFromConfig } from '../../src/engine/train/isingTask';
import { IsingTrainer } from '../../src/engine/train/trainer';
import { defaultConfig } from '../../src/shared/config/defaults';
import type { GrokConfig } from '../../src/shared/config/types';
import type { EpochRecord } from '../../src/shared/metrics';
import { ensureWasmBuilt, wasmPath } from './wasmBuild';

// The wasm convolution sums in float64 in the TypeScript set's order, so every comparison below is bit for bit.

const ref = new TypeScriptConvKernels();

/** Batches, lattice sides and channel counts off the SIMD widths, plus the Ising CNN's own shapes. */
const BATCHES = [1, 3, 7];
const SIDES = [4, 8, 16, 20];
const CHANNEL_PAIRS = [[1, 2], [2, 4], [3, 1], [5, 3], [2, 5]];

function random(rng: Rng, k: Kernels, length: number): Float32Array {
  const x = k.alloc(length);
  for (let i = 0; i < length; i++) x[i] = 2 * rng.uniform() - 1;
  return x;
}

function copyInto(k: Kernels, x: Float32Array): Float32Array {
  const y = k.alloc(x.length);
  y.set(x);
  return y;
}

function assertSameFloats(actual: Float32Array, expected: Float32Array, label: string): void {
  assert.equal(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) assert.fail(`${label}[${i}]: wasm ${actual[i]} vs TypeScript ${expected[i]}`);
  }
}

describe('wasm-simd convolution kernels', function () {
  let wasm: Kernels;
  let conv: ConvKernels;

  before(async function () {
    const skipReason = ensureWasmBuilt();
    if (skipReason !== undefined) {
      console.warn(`skipping the wasm-simd convolution tests: ${skipReason}`);
      this.skip();
    }
    wasm = await createWasmKernels(wasmPath);
    conv = loadConvKernels(wasm);
  });

  it('loadConvKernels picks the set of the kernel memory', () => {
    assert.equal(conv.name, 'wasm-simd');
    assert.equal(loadConvKernels(new TypeScriptKernels()).name, 'typescript');
  });

  /** Runs `check(batch, inC, outC, height, width)` over every shape of the grid and two non-square planes with odd sides. */
  const everyShape = (check: (batch: number, inC: number, outC: number, height: number, width: number) => void): void => {
    for (const batch of BATCHES) {
      for (const side of SIDES) {
        for (const [inC, outC] of CHANNEL_PAIRS) check(batch, inC, outC, side, side);
      }
    }
    check(2, 2, 3, 5, 3);
    check(3, 3, 2, 4, 7);
  };

  it('conv3x3Forward equals the TypeScript set on every shape', () => {
    const rng = new Rng(21);
    everyShape((batch, inC, outC, height, width) => {
      const plane = height * width;
      const input = random(rng, wasm, batch * inC * plane);
      const weight = random(rng, wasm, outC * inC * 9);
      const bias = random(rng, wasm, outC);
      const output = wasm.alloc(batch * outC * plane).fill(Number.NaN);
      const expected = new Float32Array(output.length);
      conv.conv3x3Forward(input, weight, bias, output, batch, inC, outC, height, width);
      ref.conv3x3Forward(input, weight, bias, expected, batch, inC, outC, height, width);
      assertSameFloats(output, expected, `Y (batch ${batch}, ${inC}→${outC}, ${height}×${width})`);
    });
  });

  it('conv3x3Backward equals the TypeScript set on every shape', () => {
    const rng = new Rng(22);
    everyShape((batch, inC, outC, height, width) => {
      const plane = height * width;
      const label = `(batch ${batch}, ${inC}→${outC}, ${height}×${width})`;
      const input = random(rng, wasm, batch * inC * plane);
      const weight = random(rng, wasm, outC * inC * 9);
      const dOutput = random(rng, wasm, batch * outC * plane);
      // dWeight and dBias start non-zero, because the kernel adds to them.
      const dWeight = random(rng, wasm, weight.length);
      const dBias = random(rng, wasm, outC);
      const expectedW = dWeight.slice();
      const expectedB = dBias.slice();
      const dInput = wasm.alloc(input.length).fill(Number.NaN);
      const expectedX = new Float32Array(input.length);
      conv.conv3x3Backward(input, weight, dOutput, dInput, dWeight, dBias, batch, inC, outC, height, width);
      ref.conv3x3Backward(input, weight, dOutput, expectedX, expectedW, expectedB, batch, inC, outC, height, width);
      assertSameFloats(dInput, expectedX, `dX ${label}`);
      assertSameFloats(dWeight, expectedW, `dW ${label}`);
      assertSameFloats(dBias, expectedB, `db ${label}`);
    });
  });

  it('conv3x3Backward without dInput leaves other buffers alone', () => {
    const rng = new Rng(23);
    const [batch, inC, outC, side] = [3, 2, 4, 8];
    const input = random(rng, wasm, batch * inC * side * side);
    const weight = random(rng, wasm, outC * inC * 9);
    const dOutput = random(rng, wasm, batch * outC * side * side);
    const sentinel = wasm.alloc(16).fill(7);
    const dWeight = wasm.alloc(weight.length);
    const dBias = wasm.alloc(outC);
    const expectedW = new Float32Array(weight.length);
    const expectedB = new Float32Array(outC);
    conv.conv3x3Backward(input, weight, dOutput, null, dWeight, dBias, batch, inC, outC, side, side);
    ref.conv3x3Backward(input, weight, dOutput, null, expectedW, expectedB, batch, inC, outC, side, side);
    assertSameFloats(dWeight, expectedW, 'dW');
    assertSameFloats(dBias, expectedB, 'db');
    assert.ok(sentinel.every((v) => v === 7));
  });

  it('conv3x3Forward computes a hand-checked plane', () => {
    // Input 1..9 in a 3×3 plane, all-ones kernel, bias 0.5: each output is 0.5 plus its in-plane neighbourhood sum.
    const input = copyInto(wasm, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const weight = wasm.alloc(9).fill(1);
    const bias = copyInto(wasm, Float32Array.of(0.5));
    const output = wasm.alloc(9);
    conv.conv3x3Forward(input, weight, bias, output, 1, 1, 1, 3, 3);
    assert.deepEqual(Array.from(output), [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
  });

  it('maxPool2x2 equals the TypeScript set with ties and NaN', () => {
    const rng = new Rng(24);
    for (const batch of BATCHES) {
      for (const side of SIDES) {
        for (const channels of [1, 2, 3, 5]) {
          const label = `(batch ${batch}, ${channels} channels, ${side}×${side})`;
          const length = batch * channels * side * side;
          // Values from {−1, 0, 1, 2} make ties common, and a few NaN must win their windows.
          const input = wasm.alloc(length);
          for (let i = 0; i < length; i++) input[i] = rng.below(4) - 1;
          for (let n = 0; n < 3; n++) input[rng.below(length)] = Number.NaN;
          const output = wasm.alloc(length / 4);
          const argmax = new Int32Array(length / 4).fill(-5);
          const expected = new Float32Array(length / 4);
          const expectedArgmax = new Int32Array(length / 4);
          conv.maxPool2x2Forward(input, output, argmax, batch, channels, side, side);
          ref.maxPool2x2Forward(input, expected, expectedArgmax, batch, channels, side, side);
          assertSameFloats(output, expected, `pooled ${label}`);
          assert.deepEqual(argmax, expectedArgmax, `argmax ${label}`);

          const dOutput = random(rng, wasm, length / 4);
          const dInput = wasm.alloc(length).fill(Number.NaN);
          const expectedDInput = new Float32Array(length);
          conv.maxPool2x2Backward(dOutput, argmax, dInput, batch, channels, side, side);
          ref.maxPool2x2Backward(dOutput, expectedArgmax, expectedDInput, batch, channels, side, side);
          assertSameFloats(dInput, expectedDInput, `dX ${label}`);
        }
      }
    }
  });

  it('maxPool2x2 takes an argmax array in kernel memory', () => {
    // Two planes of 2×2: the second plane's maximum is at its own offset 4 + 3.
    const input = copyInto(wasm, Float32Array.from([0, 1, 2, 3, 4, 3, 2, 5]));
    const output = wasm.alloc(2);
    const slot = wasm.alloc(2);
    const argmax = new Int32Array(slot.buffer, slot.byteOffset, 2);
    conv.maxPool2x2Forward(input, output, argmax, 2, 1, 2, 2);
    assert.deepEqual(Array.from(output), [3, 5]);
    assert.deepEqual(Array.from(argmax), [3, 7]);
    const dInput = wasm.alloc(8);
    conv.maxPool2x2Backward(copyInto(wasm, Float32Array.of(10, 20)), argmax, dInput, 2, 1, 2, 2);
    assert.deepEqual(Array.from(dInput), [0, 0, 0, 10, 0, 0, 0, 20]);
  });

  it('maxPool2x2Backward skips an argmax outside dInput', () => {
    const dInput = wasm.alloc(8).fill(3);
    const after = wasm.alloc(4).fill(9);
    conv.maxPool2x2Backward(copyInto(wasm, Float32Array.of(10, 20)), Int32Array.of(2, 8), dInput, 2, 1, 2, 2);
    assert.deepEqual(Array.from(dInput), [0, 0, 10, 0, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(after), [9, 9, 9, 9]);
  });

  it('rejects buffers from elsewhere and bad shapes', () => {
    const own = wasm.alloc(16);
    const weight = wasm.alloc(9);
    const bias = wasm.alloc(1);
    assert.throws(() => conv.conv3x3Forward(new Float32Array(16), weight, bias, own, 1, 1, 1, 4, 4), /not a buffer of this kernel set/);
    assert.throws(() => conv.conv3x3Forward(new Float64Array(16), weight, bias, own, 1, 1, 1, 4, 4), /Float32Array buffers only/);
    assert.throws(() => conv.conv3x3Forward(own, weight, bias, own, 2, 1, 1, 4, 4), /conv input has 16 floats but the call needs 32/);
    assert.throws(() => conv.maxPool2x2Forward(own, own, new Int32Array(4), 1, 1, 3, 4), /even height and width, got 3×4/);
    assert.throws(() => conv.maxPool2x2Forward(own, own, new Int32Array(3), 1, 1, 4, 4), /pool argmax has 3 values/);
  });

  describe('Ising trainer on the wasm kernels', () => {
    let cacheDir: string;

    /** A small Ising run: L = 16, the 6798-parameter CNN, 120 training and 80 test snapshots, full batch, lr 1e-3. */
    const config = (): GrokConfig => defaultConfig({
      task: 'ising', lattice: 16, temperatureCount: 4, samplesPerTemperature: 50, sweeps: 10,
      trainSize: 120, testSize: 80, batchSize: 120, learningRate: 1e-3, weightDecay: 0.1, w0: 1, epochs: 5, seed: 3,
    });

    const run = (trainer: IsingTrainer): EpochRecord[] => {
      const records: EpochRecord[] = [];
      trainer.run({ onEpoch: (r) => records.push(r), onCheckpoint: () => {}, shouldStop: () => false, checkpointDue: () => false });
      return records;
    };

    before(() => {
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-wasm-conv-'));
    });

    after(() => {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    it('matches the TypeScript kernels over five epochs', async () => {
      const dataset = await loadOrGenerateIsing(isingParamsFromConfig(config()), { cacheDir, workers: 0 });
      const onWasm = run(new IsingTrainer(config(), await createWasmKernels(wasmPath), dataset));
      const onTypeScript = run(new IsingTrainer(config(), new TypeScriptKernels(), dataset));
      assert.equal(onWasm.length, 6);
      // The convolutions agree bit for bit, but the linear layers' products round differently: wasm sums in
      // float32, the TypeScript set in float64 groups. The losses (reduced in float64) then differ by about
      // 2e-9 relative (measured). One float32 unit roundoff, 2⁻²⁴ ≈ 6e-8, bounds that with room, while an
      // epoch moves the loss by about 1e-3.
      for (let e = 0; e < onWasm.length; e++) {
        for (const key of ['trainLoss', 'testLoss'] as const) {
          const [a, b] = [onWasm[e][key], onTypeScript[e][key]];
          assert.ok(Math.abs(a - b) <= 2 ** -24 * Math.abs(b), `epoch ${e} ${key}: wasm ${a} vs TypeScript ${b}`);
        }
      }
      assert.notEqual(onWasm[5].trainLoss, onWasm[0].trainLoss, 'the loss moves over five epochs');
    });

    it('trains identically with the wasm and the TypeScript convolutions', async () => {
      // On the wasm kernel memory, only the convolution set differs between the two runs, and it is exact.
      const dataset = await loadOrGenerateIsing(isingParamsFromConfig(config()), { cacheDir, workers: 0 });
      const withWasmConv = run(new IsingTrainer(config(), await createWasmKernels(wasmPath), dataset));
      const withTypeScriptConv = run(new IsingTrainer(config(), await createWasmKernels(wasmPath), dataset, { convKernels: new TypeScriptConvKernels() }));
      const times = (records: EpochRecord[]) => records.map(({ elapsedSeconds: _, ...rest }) => rest);
      assert.deepEqual(times(withWasmConv), times(withTypeScriptConv));
    });
  });
});
