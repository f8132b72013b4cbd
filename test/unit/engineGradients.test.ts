import assert from 'node:assert/strict';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { Mlp } from '../../src/engine/model/mlp';
import { Rng } from '../../src/engine/rng';
import { dot, gradientChecker, randomArray } from './helpers/finiteDifferences';

// Every backward pass is checked against central finite differences (f(x + h) − f(x − h)) / 2h in float64.
// With h = 1e-5 the truncation error is about h²·f''' ≈ 1e-10 and the rounding error about 1e-16/h ≈ 1e-11.
const H = 1e-5;
const TOLERANCE = 1e-7;
const checkGradient = gradientChecker(H, TOLERANCE);

const k = new TypeScriptKernels();

describe('gradients against finite differences', () => {
  const rows = 4;

  it('gather layer: dW by scatterAddRows, db by sumRows', () => {
    const rng = new Rng(1);
    const [inputs, n, width] = [8, 5, 2];
    const w = randomArray(rng, inputs * n);
    const b = randomArray(rng, n);
    const index = new Int32Array([0, 4, 3, 7, 1, 5, 2, 6]);
    const weights = randomArray(rng, rows * n); // L = Σ weights ⊙ Y
    const y = new Float64Array(rows * n);
    const loss = (): number => {
      k.gatherRows(w, b, index, width, y, rows, n);
      return dot(weights, y);
    };
    const dw = new Float64Array(inputs * n);
    k.scatterAddRows(weights, index, width, dw, rows, n);
    const db = new Float64Array(n);
    k.sumRows(weights, db, rows, n);
    checkGradient(w, dw, loss, 'dW');
    checkGradient(b, db, loss, 'db');
  });

  it('dense layer: dW by matmulTransA, dX by matmulTransB, db by sumRows', () => {
    const rng = new Rng(2);
    const [fanIn, fanOut] = [7, 6];
    const x = randomArray(rng, rows * fanIn);
    const w = randomArray(rng, fanIn * fanOut);
    const b = randomArray(rng, fanOut);
    const weights = randomArray(rng, rows * fanOut);
    const y = new Float64Array(rows * fanOut);
    const loss = (): number => {
      k.matmul(x, w, y, rows, fanIn, fanOut);
      k.addBias(y, b, rows, fanOut);
      return dot(weights, y);
    };
    const dw = new Float64Array(fanIn * fanOut);
    k.matmulTransA(x, weights, dw, fanIn, rows, fanOut);
    const dx = new Float64Array(rows * fanIn);
    k.matmulTransB(weights, w, dx, rows, fanOut, fanIn);
    const db = new Float64Array(fanOut);
    k.sumRows(weights, db, rows, fanOut);
    checkGradient(w, dw, loss, 'dW');
    checkGradient(x, dx, loss, 'dX');
    checkGradient(b, db, loss, 'db');
  });

  it('ReLU: reluBackward', () => {
    const rng = new Rng(3);
    const n = 20;
    const x = randomArray(rng, n);
    // Keep every input at least 0.01 from the kink, where the derivative is undefined.
    for (let i = 0; i < n; i++) if (Math.abs(x[i]) < 0.01) x[i] = 0.5;
    const weights = randomArray(rng, n);
    const y = new Float64Array(n);
    const loss = (): number => {
      k.relu(x, y, n);
      return dot(weights, y);
    };
    loss();
    const dx = new Float64Array(n);
    k.reluBackward(y, weights, dx, n);
    checkGradient(x, dx, loss, 'dX');
    assert.ok(dx.some((g) => g === 0) && dx.some((g) => g !== 0), 'the test inputs cover both sides of the kink');
  });

  it('softmax cross-entropy: dLogits, scaled', () => {
    const rng = new Rng(4);
    const classes = 5;
    const logits = randomArray(rng, rows * classes).map((v) => 3 * v);
    const targets = new Int32Array([0, 4, 2, 2]);
    const scale = 1 / rows;
    const loss = (): number => scale * k.softmaxCrossEntropy(logits, targets, null, rows, classes, 1, true).lossSum;
    const dl = new Float64Array(rows * classes);
    k.softmaxCrossEntropy(logits, targets, dl, rows, classes, scale, true);
    checkGradient(logits, dl, loss, 'dLogits');
  });

  it('whole MLP 10-7-6-5: every parameter', () => {
    const p = 5;
    const model = new Mlp(k, { inputs: 2 * p, hidden: [7, 6], outputs: p, inputWidth: 2 }, rows, (n) => new Float64Array(n));
    assert.equal(model.parameterCount, 10 * 7 + 7 + 7 * 6 + 6 + 6 * 5 + 5);
    model.init(new Rng(5), 'pytorch-default', 2);
    const index = new Int32Array([0, p + 1, 3, p + 4, 2, p + 2, 4, p + 0]);
    const targets = new Int32Array([1, 2, 4, 4]);
    const loss = (): number => {
      model.forward(index, rows);
      return k.softmaxCrossEntropy(model.logits, targets, null, rows, p, 1, true).lossSum / rows;
    };
    model.forward(index, rows);
    k.softmaxCrossEntropy(model.logits, targets, model.dLogits, rows, p, 1 / rows, true);
    model.backward(index, rows);
    const analytic = model.grads.slice();
    assert.ok(analytic.some((g) => g !== 0));
    checkGradient(model.params, analytic, loss, 'dθ');
  });

  it('whole MLP: backward overwrites the previous gradient', () => {
    const p = 5;
    const model = new Mlp(k, { inputs: 2 * p, hidden: [7, 6], outputs: p, inputWidth: 2 }, rows, (n) => new Float64Array(n));
    model.init(new Rng(6), 'xavier-normal', 1);
    const index = new Int32Array([0, p + 1, 3, p + 4, 2, p + 2, 4, p + 0]);
    const targets = new Int32Array([1, 2, 4, 4]);
    const pass = (): Float64Array => {
      model.forward(index, rows);
      k.softmaxCrossEntropy(model.logits, targets, model.dLogits, rows, p, 1 / rows, true);
      model.backward(index, rows);
      return model.grads.slice() as Float64Array;
    };
    assert.deepEqual(pass(), pass());
  });
});
