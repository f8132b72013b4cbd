import assert from 'node:assert/strict';
import type { FloatArray } from '../../src/engine/kernels/types';
import { TypeScriptConvKernels } from '../../src/engine/kernels/typescriptConv';
import { Rng } from '../../src/engine/rng';
import { dot, gradientChecker, randomArray } from './helpers/finiteDifferences';

// Backward passes are checked against central finite differences (f(x + h) − f(x − h)) / 2h in float64. The
// losses below are linear in each checked variable (convolution) or piecewise linear away from ties (max-pool),
// so the truncation error vanishes and only rounding, about 1e-16/h ≈ 1e-11, remains.
const H = 1e-5;
const TOLERANCE = 1e-8;
const checkGradient = gradientChecker(H, TOLERANCE);

const conv = new TypeScriptConvKernels();

/** Computes the convolution from its definition, with explicit bounds checks for the zero padding. */
function referenceConv(
  input: FloatArray, weight: FloatArray, bias: FloatArray,
  batch: number, inC: number, outC: number, height: number, width: number,
): Float64Array {
  const out = new Float64Array(batch * outC * height * width);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outC; o++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let s = bias[o];
          for (let i = 0; i < inC; i++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const iy = y + ky - 1;
                const ix = x + kx - 1;
                if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
                s += weight[((o * inC + i) * 3 + ky) * 3 + kx] * input[((b * inC + i) * height + iy) * width + ix];
              }
            }
          }
          out[((b * outC + o) * height + y) * width + x] = s;
        }
      }
    }
  }
  return out;
}

describe('convolution kernels', () => {
  // A non-square plane catches swapped height and width.
  const [batch, inC, outC, height, width] = [2, 2, 3, 5, 4];
  const inLength = batch * inC * height * width;
  const outLength = batch * outC * height * width;

  it('conv3x3Forward matches the definition', () => {
    const rng = new Rng(11);
    const input = randomArray(rng, inLength);
    const weight = randomArray(rng, outC * inC * 9);
    const bias = randomArray(rng, outC);
    const output = new Float64Array(outLength).fill(Number.NaN);
    conv.conv3x3Forward(input, weight, bias, output, batch, inC, outC, height, width);
    const expected = referenceConv(input, weight, bias, batch, inC, outC, height, width);
    for (let i = 0; i < outLength; i++) assert.ok(Math.abs(output[i] - expected[i]) < 1e-14, `Y[${i}]: ${output[i]} vs ${expected[i]}`);
  });

  it('conv3x3Forward on a hand-computed 3×3 example', () => {
    // Input 1..9 in a 3×3 plane, all-ones kernel, bias 0.5: each output is 0.5 plus the sum of its in-plane
    // neighbourhood, e.g. the corner (0, 0) sums 1 + 2 + 4 + 5 = 12.
    const input = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const weight = new Float32Array(9).fill(1);
    const output = new Float32Array(9);
    conv.conv3x3Forward(input, weight, Float32Array.of(0.5), output, 1, 1, 1, 3, 3);
    assert.deepEqual(Array.from(output), [12.5, 21.5, 16.5, 27.5, 45.5, 33.5, 24.5, 39.5, 28.5]);
  });

  it('conv3x3Backward: dInput, dWeight and dBias', () => {
    const rng = new Rng(12);
    const input = randomArray(rng, inLength);
    const weight = randomArray(rng, outC * inC * 9);
    const bias = randomArray(rng, outC);
    const upstream = randomArray(rng, outLength); // L = Σ upstream ⊙ Y
    const output = new Float64Array(outLength);
    const loss = (): number => {
      conv.conv3x3Forward(input, weight, bias, output, batch, inC, outC, height, width);
      return dot(upstream, output);
    };
    const dInput = new Float64Array(inLength).fill(Number.NaN); // overwritten, not accumulated
    const dWeight = new Float64Array(outC * inC * 9);
    const dBias = new Float64Array(outC);
    conv.conv3x3Backward(input, weight, upstream, dInput, dWeight, dBias, batch, inC, outC, height, width);
    checkGradient(input, dInput, loss, 'dX');
    checkGradient(weight, dWeight, loss, 'dW');
    checkGradient(bias, dBias, loss, 'db');
  });

  it('conv3x3Backward adds to dWeight and dBias', () => {
    const rng = new Rng(13);
    const input = randomArray(rng, inLength);
    const weight = randomArray(rng, outC * inC * 9);
    const upstream = randomArray(rng, outLength);
    const once = { w: new Float64Array(outC * inC * 9), b: new Float64Array(outC) };
    conv.conv3x3Backward(input, weight, upstream, null, once.w, once.b, batch, inC, outC, height, width);
    const twice = { w: new Float64Array(outC * inC * 9), b: new Float64Array(outC) };
    for (let pass = 0; pass < 2; pass++) conv.conv3x3Backward(input, weight, upstream, null, twice.w, twice.b, batch, inC, outC, height, width);
    for (let i = 0; i < once.w.length; i++) assert.ok(Math.abs(twice.w[i] - 2 * once.w[i]) < 1e-13, `dW[${i}]`);
    for (let i = 0; i < once.b.length; i++) assert.ok(Math.abs(twice.b[i] - 2 * once.b[i]) < 1e-13, `db[${i}]`);
  });

  it('conv3x3Forward rejects a short buffer', () => {
    const small = new Float32Array(10);
    assert.throws(() => conv.conv3x3Forward(small, new Float32Array(9), new Float32Array(1), new Float32Array(16), 1, 1, 1, 4, 4), /conv input has 10 values/);
  });
});

describe('max-pooling kernels', () => {
  it('maxPool2x2Forward on a hand-made 4×4 plane', () => {
    const input = Float32Array.from([
      1, 5, -2, -3,
      3, 2, -1, -4,
      0, 0, 7, 8,
      0, -1, 9, 6,
    ]);
    const output = new Float32Array(4);
    const argmax = new Int32Array(4);
    conv.maxPool2x2Forward(input, output, argmax, 1, 1, 4, 4);
    assert.deepEqual(Array.from(output), [5, -1, 0, 9]);
    // The bottom-left window ties at 0 and keeps the first position in row-major order.
    assert.deepEqual(Array.from(argmax), [1, 6, 8, 14]);
  });

  it('maxPool2x2Forward indexes argmax into the whole batch', () => {
    // Two planes of 2×2: the second plane's maximum is at its own offset 4 + 3.
    const input = Float32Array.from([0, 1, 2, 3, 4, 3, 2, 5]);
    const output = new Float32Array(2);
    const argmax = new Int32Array(2);
    conv.maxPool2x2Forward(input, output, argmax, 2, 1, 2, 2);
    assert.deepEqual(Array.from(output), [3, 5]);
    assert.deepEqual(Array.from(argmax), [3, 7]);
  });

  it('maxPool2x2Backward matches finite differences', () => {
    const rng = new Rng(14);
    const [batch, channels, height, width] = [2, 3, 4, 6];
    // Distinct random values, so no window has a tie and a step of H cannot change any argmax.
    const input = randomArray(rng, batch * channels * height * width);
    const outLength = input.length / 4;
    const upstream = randomArray(rng, outLength);
    const output = new Float64Array(outLength);
    const argmax = new Int32Array(outLength);
    const loss = (): number => {
      conv.maxPool2x2Forward(input, output, argmax, batch, channels, height, width);
      return dot(upstream, output);
    };
    loss();
    const dInput = new Float64Array(input.length).fill(Number.NaN);
    conv.maxPool2x2Backward(upstream, argmax, dInput, batch, channels, height, width);
    checkGradient(input, dInput, loss, 'dX');
    assert.equal(dInput.filter((g) => g !== 0).length, outLength, 'one input per window receives the gradient');
  });

  it('maxPool2x2Forward rejects an odd side', () => {
    assert.throws(() => conv.maxPool2x2Forward(new Float32Array(12), new Float32Array(3), new Int32Array(3), 1, 1, 3, 4), /even height and width, got 3×4/);
  });
});
