import * as assert from 'node:assert/strict';
import { Rng } from '../../src/engine/rng';
import type { Kernels } from '../../src/engine/kernels/types';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { createWasmKernels, instantiateKernelModule, type KernelExports } from '../../src/engine/kernels/wasmKernels';
import { ensureWasmBuilt, wasmPath } from './wasmBuild';

/** Unit roundoff of float32, 2⁻²⁴. */
const U32 = 2 ** -24;
/** Smallest normal float32, 2⁻¹²⁶. */
const MIN_NORMAL = 2 ** -126;
/** Sizes off the 4-lane and 8-column tile widths, plus the modular-addition model's 64, 113 and 512-ish shapes. */
const SIZES = [1, 3, 7, 17, 64, 113, 130];

function randomFill(rng: Rng, x: Float32Array, scale = 1): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = (2 * rng.uniform() - 1) * scale;
  return x;
}

function randomIndex(rng: Rng, count: number, limit: number): Int32Array {
  const x = new Int32Array(count);
  for (let i = 0; i < count; i++) x[i] = rng.below(limit);
  return x;
}

function abs(x: Float32Array): Float32Array {
  return x.map(Math.abs);
}

/** Float32 copy of `x` in the wasm set's memory. */
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

function assertNoSubnormal(x: Float32Array, label: string): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== 0 && Math.abs(x[i]) < MIN_NORMAL) assert.fail(`${label}[${i}] = ${x[i]} is subnormal`);
  }
}

describe('wasm-simd kernels', function () {
  let wasm: Kernels;
  let exportsOnly: KernelExports;
  const ref = new TypeScriptKernels();

  before(async function () {
    const skipReason = ensureWasmBuilt();
    if (skipReason !== undefined) {
      console.warn(`skipping the wasm-simd kernel tests: ${skipReason}`);
      this.skip();
    }
    wasm = await createWasmKernels(wasmPath);
    exportsOnly = (await instantiateKernelModule(wasmPath)).exports;
  });

  describe('alloc', () => {
    it('returns zeroed 16-byte-aligned views', () => {
      for (const length of [1, 3, 5, 1000]) {
        const x = wasm.alloc(length);
        assert.equal(x.length, length);
        assert.equal(x.byteOffset % 16, 0);
        assert.ok(x.every((v) => v === 0));
      }
    });

    it('keeps earlier views valid after growing', () => {
      const early = wasm.alloc(8);
      early.set([1, 2, 3, 4, 5, 6, 7, 8]);
      // 64 MiB exceeds the memory's size so far, so alloc must grow it.
      const big = wasm.alloc(16 * 1024 * 1024);
      big[big.length - 1] = 7;
      const sum = wasm.alloc(4);
      wasm.sumRows(early, sum, 2, 4);
      assert.deepEqual([...sum], [6, 8, 10, 12]);
      assert.equal(wasm.sumSquares(early, 8), 204);
      assert.equal(big[big.length - 1], 7);
    });

    it('rejects buffers from elsewhere', () => {
      const own = wasm.alloc(4);
      assert.throws(() => wasm.relu(new Float64Array(4), own, 4), /Float32Array buffers only/);
      assert.throws(() => wasm.relu(new Float32Array(4), own, 4), /not a buffer of this kernel set/);
      assert.throws(() => wasm.relu(own, own, 5), /has 4 floats but the call needs 5/);
    });
  });

  describe('matrix products', () => {
    // Each implementation sums k products with rounding error at most about k·u·Σ|a||b| (u = 2⁻²⁴): the wasm
    // set in float32 accumulators, the TypeScript set in float64 groups of four added to a float32 output
    // (k/4 + 1 roundings). Their difference is therefore below (1.25k + 2)·u·Σ|a||b|; a wrong index or a
    // missed term breaks this by orders of magnitude.
    const layouts = [
      { name: 'matmul', aLen: (m: number, k: number) => m * k, bLen: (k: number, n: number) => k * n },
      { name: 'matmulTransA', aLen: (m: number, k: number) => k * m, bLen: (k: number, n: number) => k * n },
      { name: 'matmulTransB', aLen: (m: number, k: number) => m * k, bLen: (k: number, n: number) => n * k },
    ] as const;

    for (const layout of layouts) {
      it(`${layout.name} matches the TypeScript set on every size`, () => {
        const rng = new Rng(11);
        for (const m of SIZES) {
          for (const k of SIZES) {
            for (const n of SIZES) {
              const a = randomFill(rng, new Float32Array(layout.aLen(m, k)));
              const b = randomFill(rng, new Float32Array(layout.bLen(k, n)));
              const accumulate = (m + k + n) % 2 === 1;
              const c0 = randomFill(rng, new Float32Array(m * n));
              const expected = c0.slice();
              ref[layout.name](a, b, expected, m, k, n, accumulate);
              const bound = accumulate ? abs(c0) : new Float32Array(m * n);
              ref[layout.name](abs(a), abs(b), bound, m, k, n, true);
              const actual = copyInto(wasm, c0);
              wasm[layout.name](copyInto(wasm, a), copyInto(wasm, b), actual, m, k, n, accumulate);
              for (let i = 0; i < m * n; i++) {
                const tolerance = (1.25 * k + 2) * U32 * bound[i];
                const error = Math.abs(actual[i] - expected[i]);
                if (!(error <= tolerance)) {
                  assert.fail(`${layout.name} m=${m} k=${k} n=${n} accumulate=${accumulate} c[${i}]: wasm ${actual[i]}, TypeScript ${expected[i]}, error ${error} > ${tolerance}`);
                }
              }
            }
          }
        }
      });
    }

    it('matmul computes a hand-checked product', () => {
      // [1 2; 3 4]·[5 6; 7 8] = [19 22; 43 50], then accumulated once more.
      const a = copyInto(wasm, Float32Array.of(1, 2, 3, 4));
      const b = copyInto(wasm, Float32Array.of(5, 6, 7, 8));
      const c = wasm.alloc(4);
      wasm.matmul(a, b, c, 2, 2, 2);
      assert.deepEqual([...c], [19, 22, 43, 50]);
      wasm.matmulTransB(a, b, c, 2, 2, 2, true); // + [1·5+2·6, 1·7+2·8; 3·5+4·6, 3·7+4·8]
      assert.deepEqual([...c], [36, 45, 82, 103]);
      wasm.matmulTransA(a, b, c, 2, 2, 2); // [1 3; 2 4]·[5 6; 7 8]
      assert.deepEqual([...c], [26, 30, 38, 44]);
    });
  });

  describe('row kernels', () => {
    // These sum in float32 in the same order as the TypeScript set, so the results must be identical.
    it('gatherRows and scatterAddRows match the TypeScript set', () => {
      const rng = new Rng(12);
      for (const n of SIZES) {
        for (const width of [1, 2, 3]) {
          for (const rows of [1, 3, 64]) {
            const inputs = 9;
            const weight = randomFill(rng, new Float32Array(inputs * n));
            const bias = randomFill(rng, new Float32Array(n));
            const index = randomIndex(rng, rows * width, inputs);
            const expected = new Float32Array(rows * n);
            ref.gatherRows(weight, bias, index, width, expected, rows, n);
            const y = wasm.alloc(rows * n);
            wasm.gatherRows(copyInto(wasm, weight), copyInto(wasm, bias), index, width, y, rows, n);
            assertSameFloats(y, expected, `gatherRows n=${n} width=${width} rows=${rows}`);

            const dy = randomFill(rng, new Float32Array(rows * n));
            const dWeight0 = randomFill(rng, new Float32Array(inputs * n));
            const dWeightExpected = dWeight0.slice();
            ref.scatterAddRows(dy, index, width, dWeightExpected, rows, n);
            const dWeight = copyInto(wasm, dWeight0);
            wasm.scatterAddRows(copyInto(wasm, dy), index, width, dWeight, rows, n);
            assertSameFloats(dWeight, dWeightExpected, `scatterAddRows n=${n} width=${width} rows=${rows}`);
          }
        }
      }
    });

    it('gatherRows reads an index array that lives in kernel memory', () => {
      const weight = copyInto(wasm, Float32Array.of(1, 2, 10, 20, 100, 200));
      const bias = copyInto(wasm, Float32Array.of(0.5, 0.25));
      const store = wasm.alloc(4);
      const index = new Int32Array(store.buffer, store.byteOffset, 4);
      index.set([0, 2, 1, 1]);
      const y = wasm.alloc(4);
      wasm.gatherRows(weight, bias, index, 2, y, 2, 2);
      assert.deepEqual([...y], [101.5, 202.25, 20.5, 40.25]);
    });

    it('gatherRows rejects an index outside the weight', () => {
      const weight = wasm.alloc(6);
      const y = wasm.alloc(2);
      assert.throws(() => wasm.gatherRows(weight, wasm.alloc(2), Int32Array.of(3), 1, y, 1, 2), /index\[0\] = 3 is outside \[0, 3\)/);
    });

    it('addBias, sumRows and relu kernels match the TypeScript set', () => {
      const rng = new Rng(13);
      for (const n of SIZES) {
        for (const rows of [1, 3, 64]) {
          const x = randomFill(rng, new Float32Array(rows * n));
          x[0] = -0;
          if (x.length > 2) x[2] = NaN;
          const bias = randomFill(rng, new Float32Array(n));

          const yRef = x.slice();
          ref.addBias(yRef, bias, rows, n);
          const y = copyInto(wasm, x);
          wasm.addBias(y, copyInto(wasm, bias), rows, n);
          assertSameFloats(y, yRef, `addBias n=${n} rows=${rows}`);

          for (const accumulate of [false, true]) {
            const sumRef = bias.slice();
            ref.sumRows(x, sumRef, rows, n, accumulate);
            const sum = copyInto(wasm, bias);
            wasm.sumRows(copyInto(wasm, x), sum, rows, n, accumulate);
            assertSameFloats(sum, sumRef, `sumRows n=${n} rows=${rows} accumulate=${accumulate}`);
          }

          const reluRef = new Float32Array(x.length);
          ref.relu(x, reluRef, x.length);
          const reluOut = copyInto(wasm, x);
          wasm.relu(reluOut, reluOut, x.length); // in place
          assertSameFloats(reluOut, reluRef, `relu n=${n} rows=${rows}`);

          const dy = randomFill(rng, new Float32Array(x.length));
          const dxRef = new Float32Array(x.length);
          ref.reluBackward(x, dy, dxRef, x.length);
          const dx = copyInto(wasm, dy);
          wasm.reluBackward(copyInto(wasm, x), dx, dx, x.length); // in place on dy
          assertSameFloats(dx, dxRef, `reluBackward n=${n} rows=${rows}`);
        }
      }
    });
  });

  describe('float64 exp and log', () => {
    // Math.exp and Math.log in V8 are within 1 ulp; a few ulps between the two (2.2e-16 each) is the target.
    const relativeError = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));

    it('exp64 is within 1e-15 of Math.exp', () => {
      const rng = new Rng(14);
      let worst = 0;
      let worstSubnormal = 0;
      for (let i = 0; i < 200000; i++) {
        const x = i < 100000 ? -120 * rng.uniform() : 1416 * rng.uniform() - 707;
        worst = Math.max(worst, relativeError(exportsOnly.exp64(x), Math.exp(x)));
        // Below e^−708 the results are subnormal float64s with fewer digits, so compare in units of 2⁻¹⁰⁷⁴.
        const tiny = -708 - 37 * rng.uniform();
        worstSubnormal = Math.max(worstSubnormal, Math.abs(exportsOnly.exp64(tiny) - Math.exp(tiny)) / 2 ** -1074);
      }
      assert.ok(worst <= 1e-15, `worst relative error ${worst}`);
      assert.ok(worstSubnormal <= 1, `worst subnormal error ${worstSubnormal} units of 2^-1074`);
      assert.equal(exportsOnly.exp64(0), 1);
      assert.equal(exportsOnly.exp64(-800), 0);
      assert.equal(exportsOnly.exp64(710), Infinity);
    });

    it('log64 and log1p64 are within 1e-15 of Math.log and Math.log1p', () => {
      const rng = new Rng(15);
      let worstLog = 0;
      let worstLog1p = 0;
      for (let i = 0; i < 200000; i++) {
        const x = 10 ** (616 * rng.uniform() - 308);
        worstLog = Math.max(worstLog, relativeError(exportsOnly.log64(x), Math.log(x)));
        const y = i % 2 === 0 ? 10 ** (-20 * rng.uniform()) : 3 * rng.uniform();
        worstLog1p = Math.max(worstLog1p, relativeError(exportsOnly.log1p64(y), Math.log1p(y)));
      }
      for (const x of [0.5, 0.75, 1.5, 2 ** -1074, 1 + 2 ** -52, 1 - 2 ** -53]) {
        worstLog = Math.max(worstLog, relativeError(exportsOnly.log64(x), Math.log(x)));
      }
      assert.ok(worstLog <= 1e-15, `log64 worst relative error ${worstLog}`);
      assert.ok(worstLog1p <= 1e-15, `log1p64 worst relative error ${worstLog1p}`);
      assert.equal(exportsOnly.log64(1), 0);
      assert.equal(exportsOnly.log64(0), -Infinity);
      assert.ok(Number.isNaN(exportsOnly.log64(-1)));
    });
  });

  describe('softmaxCrossEntropy', () => {
    const classes = 113; // the modular-addition modulus p

    it('matches the TypeScript set on random logits', () => {
      const rng = new Rng(16);
      for (const rows of [1, 7, 64]) {
        for (const float64 of [true, false]) {
          const logits = randomFill(rng, new Float32Array(rows * classes), 8);
          const targets = randomIndex(rng, rows, classes);
          // Make a few rows confident so that both loss formulas run.
          for (let r = 0; r < rows; r += 3) logits[r * classes + targets[r]] = 40;
          const dRef = new Float32Array(rows * classes);
          const expected = ref.softmaxCrossEntropy(logits, targets, dRef, rows, classes, 1 / rows, float64);
          const dLogits = wasm.alloc(rows * classes);
          const actual = wasm.softmaxCrossEntropy(copyInto(wasm, logits), targets, dLogits, rows, classes, 1 / rows, float64);
          assert.equal(actual.correct, expected.correct);
          assert.equal(actual.collapsed, expected.collapsed);
          // The float64 loss differs only by the few ulps of exp64/log64; the float32 loss rounds them away
          // except at rare rounding ties, one float32 ulp per row.
          const lossTolerance = float64 ? 1e-13 * Math.abs(expected.lossSum) : rows * 2 * U32 * Math.abs(expected.lossSum) + 1e-30;
          assert.ok(Math.abs(actual.lossSum - expected.lossSum) <= lossTolerance, `loss ${actual.lossSum} vs ${expected.lossSum}`);
          for (let i = 0; i < dRef.length; i++) {
            assert.ok(Math.abs(dLogits[i] - dRef[i]) <= 2 * U32 * Math.abs(dRef[i]), `dLogits[${i}] ${dLogits[i]} vs ${dRef[i]}`);
          }
          assertNoSubnormal(dLogits, 'dLogits');
        }
      }
    });

    it('keeps the loss and gradient of confident rows', () => {
      // Target logit m, the other 112 logits 0: loss = log1p(112·e^(−m)), target gradient −112e^(−m)/(1 + 112e^(−m)).
      const cases = [
        { margin: 10, loss: Math.log1p(112 * Math.exp(-10)), collapsed: 0 },
        { margin: 20, loss: 2.308492e-7, collapsed: 0 },
        { margin: 30, loss: 1.048054e-11, collapsed: 1 },
      ];
      for (const c of cases) {
        const logits = wasm.alloc(classes);
        logits[5] = c.margin;
        const dLogits = wasm.alloc(classes);
        const result = wasm.softmaxCrossEntropy(logits, Int32Array.of(5), dLogits, 1, classes, 1, true);
        const exact = Math.log1p(112 * Math.exp(-c.margin));
        assert.ok(Math.abs(result.lossSum - exact) <= 1e-14 * exact, `m=${c.margin}: loss ${result.lossSum} vs ${exact}`);
        assert.ok(Math.abs(result.lossSum - c.loss) <= 5e-7 * c.loss, `m=${c.margin}: loss ${result.lossSum} vs ${c.loss}`);
        assert.equal(result.correct, 1);
        assert.equal(result.collapsed, c.collapsed);
        const others = 112 * Math.exp(-c.margin);
        const targetGradient = -others / (1 + others);
        assert.notEqual(dLogits[5], 0);
        assert.ok(Math.abs(dLogits[5] - targetGradient) <= 2 * U32 * Math.abs(targetGradient), `m=${c.margin}: gradient ${dLogits[5]} vs ${targetGradient}`);
      }
    });

    it('returns the float32 loss of zero for a collapsed row', () => {
      const logits = wasm.alloc(classes);
      logits[0] = 30; // target first, so the float32 sum starts at 1 and every other e^(−30) rounds away
      const dLogits = wasm.alloc(classes);
      const result = wasm.softmaxCrossEntropy(logits, Int32Array.of(0), dLogits, 1, classes, 1, false);
      assert.equal(result.lossSum, 0);
      assert.equal(result.collapsed, 1);
      assert.equal(dLogits[0], 0);
    });

    it('writes gradients below the smallest normal float32 as zero', () => {
      // e^(−100) ≈ 3.7e-44 would be a subnormal float32.
      const logits = wasm.alloc(classes).fill(-100);
      logits[3] = 0;
      const dLogits = wasm.alloc(classes);
      wasm.softmaxCrossEntropy(logits, Int32Array.of(3), dLogits, 1, classes, 1, true);
      assert.equal(dLogits[0], 0);
      assertNoSubnormal(dLogits, 'dLogits');
    });

    it('rejects a target outside the classes', () => {
      const logits = wasm.alloc(classes);
      assert.throws(() => wasm.softmaxCrossEntropy(logits, Int32Array.of(113), null, 1, classes, 1, true), /targets\[0\] = 113 is outside \[0, 113\)/);
    });
  });

  describe('adamStep', () => {
    /** One Adam step's settings: lr, β₁, β₂, ε, weight decay. */
    const [lr, beta1, beta2, eps, wd] = [1e-3, 0.9, 0.98, 1e-8, 1];

    // The wasm set runs the update in float32 and the TypeScript set in float64, both from the same float32
    // state. Each float32 operation and each constant rounded to float32 adds at most u = 2⁻²⁴ relative, so the
    // wasm result differs from the float64 one, itself rounded once on store, by a few u of the magnitudes that
    // enter each line: g = grad + c·θ (3 roundings), m = β₁m + (1 − β₁)g (3 more), v = β₂v + ((1 − β₂)g)·g
    // (4 more, g counted twice) and θ·shrink − m·(stepSize/(√v̂ + ε)) (about 8, √ halving v's error). The
    // bounds below take those counts with a margin of about 2; a wrong constant, a swapped β or a missed bias
    // correction moves a value by far more than 1e-6 relative and fails them.
    function adamTolerances(
      param: number, grad: number, mOld: number, vOld: number, mNew: number, vNew: number, thetaNew: number,
      step: number, coupled: boolean,
    ): { m: number; v: number; theta: number } {
      const u = U32;
      const decay = coupled ? wd : 0;
      const shrink = coupled ? 1 : 1 - lr * wd;
      const gMagnitude = Math.abs(grad) + decay * Math.abs(param);
      const mScale = beta1 * Math.abs(mOld) + (1 - beta1) * gMagnitude;
      const vScale = beta2 * vOld + (1 - beta2) * gMagnitude * gMagnitude;
      const m = 8 * u * mScale;
      const v = 12 * u * vScale;
      const stepSize = lr / (1 - beta1 ** step);
      const sqrtV = Math.sqrt(vNew) / Math.sqrt(1 - beta2 ** step);
      const ratio = stepSize / (sqrtV + eps);
      const vRelative = vNew > 0 ? vScale / vNew : 0;
      const theta = 3 * u * Math.abs(param * shrink) + ratio * m + Math.abs(mNew * ratio) * (8 * u + 6 * u * vRelative) + 2 * u * Math.abs(thetaNew);
      return { m, v, theta };
    }

    for (const coupled of [true, false]) {
      it(`matches the float64 TypeScript set to float32 rounding (${coupled ? 'Adam' : 'AdamW'})`, () => {
        const rng = new Rng(coupled ? 17 : 18);
        const length = 1003; // not a multiple of 4, so the scalar tail after the four-lane loop runs
        const param = randomFill(rng, new Float32Array(length));
        const m = new Float32Array(length);
        const v = new Float32Array(length);
        const wParam = wasm.alloc(length);
        const wGrad = wasm.alloc(length);
        const wM = wasm.alloc(length);
        const wV = wasm.alloc(length);
        let worst = 0;

        for (let step = 1; step <= 5; step++) {
          // Both sets start each step from the TypeScript set's state, so the bound covers one step's rounding.
          const grad = randomFill(rng, new Float32Array(length), 0.1);
          const [param0, m0, v0] = [param.slice(), m.slice(), v.slice()];
          wParam.set(param);
          wM.set(m);
          wV.set(v);
          wGrad.set(grad);
          ref.adamStep(param, grad, m, v, length, step, lr, beta1, beta2, eps, wd, coupled);
          wasm.adamStep(wParam, wGrad, wM, wV, length, step, lr, beta1, beta2, eps, wd, coupled);

          for (let i = 0; i < length; i++) {
            const tolerance = adamTolerances(param0[i], grad[i], m0[i], v0[i], m[i], v[i], param[i], step, coupled);
            const label = `step ${step} [${i}]`;
            assert.ok(Math.abs(wM[i] - m[i]) <= tolerance.m, `${label} m: wasm ${wM[i]} vs TypeScript ${m[i]}, tolerance ${tolerance.m}`);
            assert.ok(Math.abs(wV[i] - v[i]) <= tolerance.v, `${label} v: wasm ${wV[i]} vs TypeScript ${v[i]}, tolerance ${tolerance.v}`);
            const thetaError = Math.abs(wParam[i] - param[i]);
            assert.ok(thetaError <= tolerance.theta, `${label} θ: wasm ${wParam[i]} vs TypeScript ${param[i]}, tolerance ${tolerance.theta}`);
            worst = Math.max(worst, thetaError / Math.abs(param[i]));
          }
        }
        // The two sets must not be identical by accident of the test data: float32 arithmetic shows somewhere.
        assert.ok(worst > 0, 'the float32 and float64 updates never differed');
      });
    }

    // Two steps from θ = [1, 100] with zero gradients, lr = 0.1, wd = 0.1, β = (0.9, 0.999), ε = 1e-8: the
    // values worked out by hand for the TypeScript set, which the float32 set must meet to 1e-6 relative.
    const handCases = [
      { coupled: true, steps: [[0.90000001, 99.9], [0.80041225, 99.80000262]] },
      { coupled: false, steps: [[0.99, 99.0], [0.9801, 98.01]] },
    ];
    for (const c of handCases) {
      it(`reproduces the hand-computed steps (${c.coupled ? 'Adam' : 'AdamW'})`, () => {
        const theta = copyInto(wasm, Float32Array.of(1, 100));
        const grad = wasm.alloc(2);
        const m = wasm.alloc(2);
        const v = wasm.alloc(2);
        for (let step = 1; step <= 2; step++) {
          wasm.adamStep(theta, grad, m, v, 2, step, 0.1, 0.9, 0.999, 1e-8, 0.1, c.coupled);
          c.steps[step - 1].forEach((expected, i) => {
            assert.ok(Math.abs(theta[i] - expected) <= 1e-6 * expected, `step ${step} θ[${i}] = ${theta[i]}, expected ${expected}`);
          });
        }
      });
    }

    it('flushes parameters below 2^-63 and moments below 2^-126 to zero', () => {
      const length = 8;
      const param = copyInto(wasm, Float32Array.of(1e-39, -1e-39, 1.176e-38, 1e-20, 2e-19, 0, 1, -1e-19));
      const grad = copyInto(wasm, Float32Array.of(0, 0, 0, 1e-20, 0, 0, 0, 0));
      const m = copyInto(wasm, Float32Array.of(1e-38, 1.2e-38, 0, 0, 1e-38, 0, 0, 0));
      const v = copyInto(wasm, Float32Array.of(1.176e-38, 1e-38, 0, 0, 1.17e-38, 0, 1e-38, 0));
      // AdamW with lr = 1e-3, wd = 1: θ ← 0.999·θ − step. β₁ = 0.9 and β₂ = 0.999 shrink m and v below 2⁻¹²⁶
      // (1.1755e-38). The ±1e-39 inputs are subnormal already.
      wasm.adamStep(param, grad, m, v, length, 100, 1e-3, 0.9, 0.999, 1e-8, 1, false);
      assertNoSubnormal(param, 'param');
      assertNoSubnormal(m, 'm');
      assertNoSubnormal(v, 'v');
      assert.deepEqual([m[0], m[1], m[2], m[4], m[5], m[6], m[7]], [0, 0, 0, 0, 0, 0, 0]);
      const m3 = Math.fround(0.1 * Math.fround(1e-20));
      assert.ok(Math.abs(m[3] - m3) <= 2 * U32 * m3, `m[3] = ${m[3]} vs ${m3}`);
      assert.equal(v[3], 0, '(1 − β₂)·g² = 1e-43 is below the smallest normal float32');
      assert.deepEqual([...v], [0, 0, 0, 0, 0, 0, 0, 0]);
      // 0.999·θ is below 2⁻⁶³ ≈ 1.084e-19 for θ = 1.176e-38 and θ = −1e-19, above it for θ = 2e-19.
      assert.deepEqual([param[0], param[1], param[2], param[5], param[7]], [0, 0, 0, 0, 0]);
      const decayed = Math.fround(0.999) * Math.fround(2e-19);
      assert.ok(Math.abs(param[4] - decayed) <= 2 * U32 * decayed, `param[4] = ${param[4]} vs ${decayed}`);
      assert.equal(param[6], Math.fround(0.999));
      // θ₃ = 0.999e-20 − step·m̂/(√v̂ + ε) with v = 0: the update 1e-3/(1 − 0.9¹⁰⁰)·1e-21/1e-8 = 1e-16 dominates.
      const expected = 0.999e-20 - (1e-3 / (1 - 0.9 ** 100)) * Math.fround(1e-21) / 1e-8;
      assert.ok(Math.abs(param[3] - expected) <= 1e-6 * Math.abs(expected), `param[3] = ${param[3]} vs ${expected}`);
    });
  });

  it('sumSquares matches the float64 sum', () => {
    const rng = new Rng(19);
    for (const length of [1, 2, 3, 1001, 174193]) {
      const x = randomFill(rng, new Float32Array(length));
      const expected = ref.sumSquares(x, length);
      const actual = wasm.sumSquares(copyInto(wasm, x), length);
      // Two float64 partial sums in place of one change only the rounding, at most length·2⁻⁵³ relative.
      assert.ok(Math.abs(actual - expected) <= length * 2 ** -53 * expected, `length ${length}: ${actual} vs ${expected}`);
    }
  });
});
