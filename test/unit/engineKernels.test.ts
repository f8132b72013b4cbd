import assert from 'node:assert/strict';
import { loadKernels, loadKernelsFrom, threadCount } from '../../src/engine/kernels/index';
import { FLOAT32_MIN_NORMAL, PARAM_FLUSH, TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { Rng } from '../../src/engine/rng';

const k = new TypeScriptKernels();

function randomArray(rng: Rng, length: number, zeroShare = 0): Float64Array {
  const a = new Float64Array(length);
  for (let i = 0; i < length; i++) a[i] = rng.uniform() < zeroShare ? 0 : 2 * rng.uniform() - 1;
  return a;
}

/** C = op(A)·op(B) by the definition, one dot product per entry. */
function naiveProduct(at: (i: number, p: number) => number, bt: (p: number, j: number) => number, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
      c[i * n + j] = s;
    }
  }
  return c;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

describe('TypeScript kernels: matrix products', () => {
  // Sizes that leave remainders for the 4-way unrolled loops, and zeros that trigger the skip of empty groups.
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 4, 5], [5, 7, 6], [9, 13, 11]];

  for (const [m, kk, n] of shapes) {
    it(`matmul ${m}x${kk}x${n} matches the definition`, () => {
      const rng = new Rng(m * 100 + kk);
      const a = randomArray(rng, m * kk, 0.5);
      const b = randomArray(rng, kk * n);
      const expected = naiveProduct((i, p) => a[i * kk + p], (p, j) => b[p * n + j], m, kk, n);
      const c = randomArray(rng, m * n);
      k.matmul(a, b, c, m, kk, n);
      assertClose(c, expected, 1e-12, 'C');

      const prior = randomArray(rng, m * n);
      const acc = prior.slice();
      k.matmul(a, b, acc, m, kk, n, true);
      assertClose(acc, expected.map((x, i) => x + prior[i]), 1e-12, 'C += ');
    });

    it(`matmulTransB ${m}x${kk}x${n} matches the definition`, () => {
      const rng = new Rng(m * 100 + kk + 1);
      const a = randomArray(rng, m * kk);
      const b = randomArray(rng, n * kk);
      const expected = naiveProduct((i, p) => a[i * kk + p], (p, j) => b[j * kk + p], m, kk, n);
      const c = randomArray(rng, m * n);
      k.matmulTransB(a, b, c, m, kk, n);
      assertClose(c, expected, 1e-12, 'C');

      const prior = randomArray(rng, m * n);
      const acc = prior.slice();
      k.matmulTransB(a, b, acc, m, kk, n, true);
      assertClose(acc, expected.map((x, i) => x + prior[i]), 1e-12, 'C += ');
    });

    it(`matmulTransA ${m}x${kk}x${n} matches the definition`, () => {
      const rng = new Rng(m * 100 + kk + 2);
      const a = randomArray(rng, kk * m, 0.5);
      const b = randomArray(rng, kk * n);
      const expected = naiveProduct((i, p) => a[p * m + i], (p, j) => b[p * n + j], m, kk, n);
      const c = randomArray(rng, m * n);
      k.matmulTransA(a, b, c, m, kk, n);
      assertClose(c, expected, 1e-12, 'C');

      const prior = randomArray(rng, m * n);
      const acc = prior.slice();
      k.matmulTransA(a, b, acc, m, kk, n, true);
      assertClose(acc, expected.map((x, i) => x + prior[i]), 1e-12, 'C += ');
    });
  }

  it('matmul works on Float32Array buffers', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]); // [2, 3]
    const b = new Float32Array([1, 0, 0, 1, 1, 1]); // [3, 2]
    const c = new Float32Array(4);
    k.matmul(a, b, c, 2, 3, 2);
    assert.deepEqual([...c], [4, 5, 10, 11]);
  });
});

describe('TypeScript kernels: gather layer, bias, ReLU', () => {
  const rows = 4;
  const inputs = 6;
  const n = 5;
  const width = 2;
  // Row 3 reads input 2 twice: a many-hot input with a repeated index counts it twice.
  const index = new Int32Array([0, 3, 1, 5, 4, 2, 2, 2]);

  function denseInput(): Float64Array {
    const x = new Float64Array(rows * inputs);
    for (let r = 0; r < rows; r++) for (let q = 0; q < width; q++) x[r * inputs + index[r * width + q]] += 1;
    return x;
  }

  it('gatherRows equals a dense layer on the many-hot input', () => {
    const rng = new Rng(21);
    const w = randomArray(rng, inputs * n);
    const bias = randomArray(rng, n);
    const expected = naiveProduct((i, p) => denseInput()[i * inputs + p], (p, j) => w[p * n + j], rows, inputs, n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) expected[r * n + j] += bias[j];
    const y = randomArray(rng, rows * n);
    k.gatherRows(w, bias, index, width, y, rows, n);
    assertClose(y, expected, 1e-12, 'Y');
  });

  it('scatterAddRows equals Xᵀ·dY added to dW', () => {
    const rng = new Rng(22);
    const dy = randomArray(rng, rows * n);
    const x = denseInput();
    const prior = randomArray(rng, inputs * n);
    const expected = naiveProduct((i, p) => x[p * inputs + i], (p, j) => dy[p * n + j], inputs, rows, n).map((v, i) => v + prior[i]);
    const dw = prior.slice();
    k.scatterAddRows(dy, index, width, dw, rows, n);
    assertClose(dw, expected, 1e-12, 'dW');
  });

  it('addBias and sumRows are each other’s adjoint', () => {
    const y = new Float64Array([1, 2, 3, 4, 5, 6]);
    k.addBias(y, new Float64Array([10, 20, 30]), 2, 3);
    assert.deepEqual([...y], [11, 22, 33, 14, 25, 36]);
    const db = new Float64Array([100, 100, 100]);
    k.sumRows(new Float64Array([1, 2, 3, 4, 5, 6]), db, 2, 3);
    assert.deepEqual([...db], [5, 7, 9]);
    k.sumRows(new Float64Array([1, 2, 3, 4, 5, 6]), db, 2, 3, true);
    assert.deepEqual([...db], [10, 14, 18]);
  });

  it('relu and reluBackward mask by the output', () => {
    const x = new Float64Array([-2, 0, 3, -0.5, 1e-30]);
    const y = new Float64Array(5);
    k.relu(x, y, 5);
    assert.deepEqual([...y], [0, 0, 3, 0, 1e-30]);
    const dx = new Float64Array(5);
    k.reluBackward(y, new Float64Array([1, 2, 3, 4, 5]), dx, 5);
    assert.deepEqual([...dx], [0, 0, 3, 0, 5]);
  });

  it('sumSquares accumulates in float64', () => {
    const x = new Float32Array([3, 4, 0.1]);
    assert.equal(k.sumSquares(x, 2), 25);
    assert.equal(k.sumSquares(x, 3), 25 + Math.fround(0.1) * Math.fround(0.1));
  });
});

describe('softmax cross-entropy with confident predictions', () => {
  const classes = 113;
  const target = 40;

  function confidentRow(margin: number): Float32Array {
    const logits = new Float32Array(classes);
    logits[target] = margin;
    return logits;
  }

  function lossAndGradient(margin: number, float64: boolean) {
    const dl = new Float32Array(classes);
    const r = k.softmaxCrossEntropy(confidentRow(margin), new Int32Array([target]), dl, 1, classes, 1, float64);
    return { ...r, dl };
  }

  for (const [margin, printed] of [[10, null], [20, 2.308492e-7], [30, 1.048054e-11]] as const) {
    it(`is exact in float64 at margin ${margin}`, () => {
      const others = (classes - 1) * Math.exp(-margin);
      const expectedLoss = Math.log1p(others);
      const r = lossAndGradient(margin, true);
      assert.ok(Math.abs(r.lossSum - expectedLoss) <= 1e-6 * expectedLoss, `loss ${r.lossSum} vs ${expectedLoss}`);
      if (printed !== null) assert.ok(Math.abs(r.lossSum - printed) <= 1e-6 * printed, `loss ${r.lossSum} vs ${printed}`);

      const expectedGrad = -others / (1 + others);
      assert.notEqual(r.dl[target], 0);
      assert.ok(Math.abs(r.dl[target] - expectedGrad) <= 1e-6 * Math.abs(expectedGrad), `gradient ${r.dl[target]} vs ${expectedGrad}`);
      const expectedOther = Math.exp(-margin) / (1 + others);
      assert.ok(Math.abs(r.dl[0] - expectedOther) <= 1e-6 * expectedOther, `other gradient ${r.dl[0]} vs ${expectedOther}`);
      assert.equal(r.correct, 1);
    });
  }

  it('counts float32 collapse at margin 30 but not 10 or 20', () => {
    assert.equal(lossAndGradient(10, true).collapsed, 0);
    assert.equal(lossAndGradient(20, true).collapsed, 0);
    assert.equal(lossAndGradient(30, true).collapsed, 1);
    assert.equal(lossAndGradient(30, false).collapsed, 1);
  });

  it('loses the confident loss and gradient in float32', () => {
    const at30 = lossAndGradient(30, false);
    assert.equal(at30.lossSum, 0);
    assert.equal(at30.dl[target], 0);
    const at20 = lossAndGradient(20, false);
    assert.ok(Math.abs(at20.lossSum - 2.308492e-7) > 1e-2 * 2.308492e-7, `float32 loss ${at20.lossSum}`);
  });

  it('matches the float64 loss on ordinary logits in float32', () => {
    const rng = new Rng(9);
    const rows = 8;
    const logits = new Float32Array(rows * classes);
    for (let i = 0; i < logits.length; i++) logits[i] = 4 * rng.normal();
    const targets = new Int32Array(rows).map(() => rng.below(classes));
    const a = k.softmaxCrossEntropy(logits, targets, null, rows, classes, 1, true);
    const b = k.softmaxCrossEntropy(logits, targets, null, rows, classes, 1, false);
    assert.ok(Math.abs(a.lossSum - b.lossSum) < 1e-5 * a.lossSum, `${a.lossSum} vs ${b.lossSum}`);
    assert.equal(a.correct, b.correct);
  });

  it('rejects a target outside the classes', () => {
    assert.throws(() => k.softmaxCrossEntropy(new Float32Array(3), new Int32Array([3]), null, 1, 3, 1, true), /target 3/);
  });
});

describe('Adam step', () => {
  const lr = 0.1;
  const wd = 0.1;

  function twoSteps(coupled: boolean): number[][] {
    const theta = new Float64Array([1, 100]);
    const grad = new Float64Array(2);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    const out: number[][] = [];
    for (let step = 1; step <= 2; step++) {
      k.adamStep(theta, grad, m, v, 2, step, lr, 0.9, 0.999, 1e-8, wd, coupled);
      out.push([...theta]);
    }
    return out;
  }

  it('applies coupled L2 decay as PyTorch Adam does', () => {
    const [s1, s2] = twoSteps(true);
    assertClose(s1, [0.90000001, 99.9], 1e-7, 'step 1');
    assertClose(s2, [0.80041225, 99.80000262], 1e-7, 'step 2');
  });

  it('applies decoupled decay as AdamW does', () => {
    const [s1, s2] = twoSteps(false);
    assertClose(s1, [0.99, 99.0], 1e-7, 'step 1');
    assertClose(s2, [0.9801, 98.01], 1e-7, 'step 2');
  });

  for (const coupled of [true, false]) {
    it(`matches three textbook steps (${coupled ? 'coupled' : 'decoupled'})`, () => {
      const rng = new Rng(coupled ? 1 : 2);
      const n = 5;
      const [b1, b2, eps, rate, decay] = [0.8, 0.95, 1e-6, 0.01, 0.3];
      const theta = randomArray(rng, n);
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      // Reference: Kingma and Ba's algorithm written out per element, with decay applied by the chosen rule.
      const refTheta = [...theta];
      const refM = new Array(n).fill(0);
      const refV = new Array(n).fill(0);
      for (let t = 1; t <= 3; t++) {
        const grad = randomArray(rng, n);
        for (let i = 0; i < n; i++) {
          const g = coupled ? grad[i] + decay * refTheta[i] : grad[i];
          refM[i] = b1 * refM[i] + (1 - b1) * g;
          refV[i] = b2 * refV[i] + (1 - b2) * g * g;
          const mHat = refM[i] / (1 - b1 ** t);
          const vHat = refV[i] / (1 - b2 ** t);
          if (!coupled) refTheta[i] -= rate * decay * refTheta[i];
          refTheta[i] -= (rate * mHat) / (Math.sqrt(vHat) + eps);
        }
        k.adamStep(theta, grad, m, v, n, t, rate, b1, b2, eps, decay, coupled);
        assertClose(theta, refTheta, 1e-14, `θ after step ${t}`);
        assertClose(m, refM, 1e-15, `m after step ${t}`);
        assertClose(v, refV, 1e-15, `v after step ${t}`);
      }
    });
  }

  it('flushes parameters below 2^-63 and moments below 2^-126 to zero', () => {
    const theta = new Float32Array([1e-18, 2e-18, 1]);
    const grad = new Float32Array([0, 0, 1e-30]);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    // Decoupled decay with lr·wd = 0.9 shrinks θ tenfold; the zero gradient leaves the moments at 0.
    k.adamStep(theta, grad, m, v, 3, 1, 1, 0.9, 0.999, 1e-8, 0.9, false);
    // 1e-19 is below 2⁻⁶³ ≈ 1.084e-19 and 2e-19 above it.
    assert.equal(theta[0], 0);
    assert.ok(Math.abs(theta[1] - 2e-19) < 1e-25, `θ[1] = ${theta[1]}`);
    assert.ok(theta[1] >= PARAM_FLUSH, `θ[1] = ${theta[1]}`);
    // m = 0.1·1e-30 is normal; v = 0.001·1e-60 would be subnormal (or 0) in float32 and is flushed.
    assert.ok(m[2] > 0);
    assert.equal(v[2], 0);
    for (const x of [...theta, ...m, ...v]) assert.ok(x === 0 || Math.abs(x) >= FLOAT32_MIN_NORMAL, `subnormal ${x}`);
  });
});

describe('loadKernels', () => {
  it('returns the set asked for', async () => {
    assert.equal((await loadKernels('typescript')).name, 'typescript');
    // The WebAssembly set's name carries its thread count, which the environment or the CPU count sets.
    const wasmName = threadCount() === 2 ? 'wasm-simd-2t' : 'wasm-simd';
    assert.equal((await loadKernels('wasm')).name, wasmName);
    assert.equal((await loadKernels()).name, wasmName);
    assert.equal((await loadKernels('wasm', undefined, { threads: 1 })).name, 'wasm-simd');
  });

  it('falls back to TypeScript without the module', async () => {
    const lines: string[] = [];
    const kernels = await loadKernelsFrom(['/nonexistent/kernels.wasm'], 'auto', (line) => lines.push(line));
    assert.equal(kernels.name, 'typescript');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /kernels\.wasm not found/);
    await assert.rejects(loadKernelsFrom(['/nonexistent/kernels.wasm'], 'wasm'), /not found/);
  });
});
