import assert from 'node:assert/strict';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { TypeScriptConvKernels } from '../../src/engine/kernels/typescriptConv';
import { Cnn, cnnParameterCount, type CnnShape } from '../../src/engine/model/cnn';
import { Rng } from '../../src/engine/rng';
import { gradientChecker, randomArray } from './helpers/finiteDifferences';

// Central finite differences in float64, as in the MLP gradient test. ReLU and max-pool are piecewise linear,
// and random float inputs keep every pre-activation and window maximum far (≫ h) from a kink or tie.
const H = 1e-5;
const TOLERANCE = 1e-7;
const checkGradient = gradientChecker(H, TOLERANCE);

const k = new TypeScriptKernels();
const conv = new TypeScriptConvKernels();
const float64 = (n: number): Float64Array => new Float64Array(n);

const PAPER: CnnShape = { lattice: 16, channels: [2, 4], hidden: [100], classes: 2 };
const SMALL: CnnShape = { lattice: 8, channels: [2, 3], hidden: [5], classes: 2 };

describe('Ising CNN', () => {
  it('has 6798 parameters for L = 16, channels [2, 4], hidden [100]', () => {
    // conv1 2·1·9 + 2 = 20, conv2 4·2·9 + 4 = 76, fc1 64·100 + 100 = 6500, fc2 100·2 + 2 = 202.
    assert.equal(cnnParameterCount(PAPER), 20 + 76 + 6500 + 202);
    assert.equal(cnnParameterCount(PAPER), 6798);
    const model = new Cnn(k, conv, PAPER, 1);
    assert.equal(model.parameterCount, 6798);
    assert.deepEqual(model.tensors, [
      { name: 'conv1.W', shape: [2, 1, 3, 3] },
      { name: 'conv1.b', shape: [2] },
      { name: 'conv2.W', shape: [4, 2, 3, 3] },
      { name: 'conv2.b', shape: [4] },
      { name: 'fc1.W', shape: [64, 100] },
      { name: 'fc1.b', shape: [100] },
      { name: 'fc2.W', shape: [100, 2] },
      { name: 'fc2.b', shape: [2] },
    ]);
    assert.deepEqual(model.layerRanges, [
      { start: 0, end: 20 },
      { start: 20, end: 96 },
      { start: 96, end: 6596 },
      { start: 6596, end: 6798 },
    ]);
  });

  it('counts a second hidden layer', () => {
    assert.equal(cnnParameterCount({ ...PAPER, hidden: [100, 10] }), 20 + 76 + 6500 + (100 * 10 + 10) + (10 * 2 + 2));
  });

  it('rejects a lattice side that is not a multiple of 4', () => {
    assert.throws(() => cnnParameterCount({ ...PAPER, lattice: 10 }), /L = 10 must be a positive multiple of 4/);
    assert.throws(() => new Cnn(k, conv, { ...PAPER, lattice: 6 }, 1), /multiple of 4/);
    assert.throws(() => cnnParameterCount({ ...PAPER, channels: [] }), /at least one convolution block/);
  });

  it('initialises pytorch-default within ±w0/√fan_in, biases included', () => {
    const w0 = 3;
    const model = new Cnn(k, conv, PAPER, 1, float64);
    model.init(new Rng(1), 'pytorch-default', w0);
    // fan_in: conv1 1·9, conv2 2·9, fc1 64, fc2 100.
    const fanIns = [9, 18, 64, 100];
    model.layerRanges.forEach(({ start, end }, l) => {
      const bound = w0 / Math.sqrt(fanIns[l]);
      const values = Array.from(model.params.subarray(start, end));
      assert.ok(values.every((v) => Math.abs(v) <= bound), `layer ${l} exceeds ±${bound}`);
      assert.ok(Math.max(...values.map(Math.abs)) > 0.8 * bound, `layer ${l} does not reach near ±${bound}`);
    });
  });

  it('initialises xavier-normal with zero biases', () => {
    const model = new Cnn(k, conv, PAPER, 1, float64);
    model.init(new Rng(2), 'xavier-normal', 1);
    const fc1 = model.params.subarray(96, 96 + 6400);
    let sumSq = 0;
    for (const x of fc1) sumSq += x * x;
    // The sample std of 6400 normals is within 5% of σ = √(2/164) with overwhelming probability (its sd is ~0.9%).
    assert.ok(Math.abs(Math.sqrt(sumSq / fc1.length) / Math.sqrt(2 / 164) - 1) < 0.05);
    assert.ok(model.params.subarray(18, 20).every((b) => b === 0));
    assert.ok(model.params.subarray(6496, 6596).every((b) => b === 0));
  });

  it('backward matches finite differences for every parameter (L = 8, [2, 3], [5])', () => {
    const rows = 3;
    const model = new Cnn(k, conv, SMALL, rows, float64);
    assert.equal(model.parameterCount, (2 * 9 + 2) + (3 * 2 * 9 + 3) + (12 * 5 + 5) + (5 * 2 + 2));
    model.init(new Rng(3), 'pytorch-default', 2);
    const rng = new Rng(4);
    const input = randomArray(rng, rows * 64);
    const targets = new Int32Array([0, 1, 1]);
    const loss = (): number => {
      model.forward(input, rows);
      return k.softmaxCrossEntropy(model.logits, targets, null, rows, 2, 1, true).lossSum / rows;
    };
    model.forward(input, rows);
    k.softmaxCrossEntropy(model.logits, targets, model.dLogits, rows, 2, 1 / rows, true);
    model.backward(input, rows);
    const analytic = model.grads.slice();
    for (const { start, end } of model.layerRanges) {
      assert.ok(analytic.subarray(start, end).some((g) => g !== 0), `layer [${start}, ${end}) has a zero gradient`);
    }
    checkGradient(model.params, analytic, loss, 'dθ');
  });

  it('backward overwrites the previous gradient', () => {
    const rows = 2;
    const model = new Cnn(k, conv, SMALL, rows, float64);
    model.init(new Rng(5), 'pytorch-default', 1);
    const input = randomArray(new Rng(6), rows * 64);
    const targets = new Int32Array([1, 0]);
    const pass = (): Float64Array => {
      model.forward(input, rows);
      k.softmaxCrossEntropy(model.logits, targets, model.dLogits, rows, 2, 1 / rows, true);
      model.backward(input, rows);
      return model.grads.slice() as Float64Array;
    };
    assert.deepEqual(pass(), pass());
  });

  it('exposes pre-activations of conv1, conv2 and fc1 in NCHW order', () => {
    const rows = 2;
    const model = new Cnn(k, conv, PAPER, rows, float64);
    model.init(new Rng(7), 'pytorch-default', 1);
    const input = new Float64Array(rows * 256);
    const rng = new Rng(8);
    for (let i = 0; i < input.length; i++) input[i] = rng.uniform() < 0.5 ? -1 : 1;
    model.forward(input, rows);
    const pre = model.preactivations(rows);
    assert.deepEqual(pre.map((p) => [p.name, p.shape]), [
      ['conv1', [2, 2, 16, 16]],
      ['conv2', [2, 4, 8, 8]],
      ['fc1', [2, 100]],
    ]);
    assert.deepEqual(pre.map((p) => p.values.length), [1024, 512, 200]);

    // conv1 unit (row 1, channel 1, y 5, x 0) recomputed from the weights: x = 0 reads the zero padding on the left.
    const p = model.params;
    const [b, c, y, x] = [1, 1, 5, 0];
    let expected = p[18 + c];
    for (let ky = 0; ky < 3; ky++) {
      for (let kx = 1; kx < 3; kx++) expected += p[c * 9 + ky * 3 + kx] * input[b * 256 + (y + ky - 1) * 16 + (x + kx - 1)];
    }
    assert.ok(Math.abs(pre[0].values[((b * 2 + c) * 16 + y) * 16 + x] - expected) < 1e-12);

    // The logits follow from the fc1 pre-activations as relu(fc1) · fc2.W + fc2.b, which pins fc1's layout [rows, 100].
    const fc1 = pre[2].values;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < 2; j++) {
        let logit = p[6796 + j];
        for (let u = 0; u < 100; u++) logit += Math.max(0, fc1[r * 100 + u]) * p[6596 + u * 2 + j];
        assert.ok(Math.abs(model.logits[r * 2 + j] - logit) < 1e-12, `logit [${r}, ${j}]`);
      }
    }
  });

  it('rejects more rows than its buffers hold', () => {
    const model = new Cnn(k, conv, SMALL, 2, float64);
    assert.throws(() => model.forward(new Float64Array(3 * 64), 3), /3 rows do not fit/);
  });
});
