import type { FloatArray, Kernels } from './types';

/** Smallest normal float32, 2⁻¹²⁶ ≈ 1.1754944e-38; Adam writes smaller moments, and softmax smaller gradients, as 0. */
export const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;
/**
 * 2⁻⁶³ = √(2⁻¹²⁶) ≈ 1.0842022e-19; Adam writes parameters of smaller magnitude as 0, so that no product of two
 * parameters is subnormal. The wasm-simd set does the same; src/engine/kernels/wasm/adam.ts explains why this
 * cannot move a softmax probability by half a float32 ulp.
 */
export const PARAM_FLUSH = 1.0842021724855044e-19;
/**
 * Half an ulp of 1 in float32, 2⁻²⁴. When the exponentials of the other logits sum to at most this, a float32
 * sum 1 + rest rounds to exactly 1, so the float32 loss log(sum) is exactly 0.
 */
const FLOAT32_HALF_ULP_OF_ONE = 5.960464477539063e-8;

const fround = Math.fround;

/**
 * The kernels in plain TypeScript loops. Every kernel works on Float32Array and Float64Array alike and
 * accumulates in float64 (JavaScript numbers); stores round to the buffer's precision.
 */
export class TypeScriptKernels implements Kernels {
  readonly name = 'typescript';

  alloc(length: number): Float32Array {
    return new Float32Array(length);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Matrix products. Four rows of the k dimension are folded per pass of the inner j loop, so each element of C
  // is loaded and stored a quarter as often.

  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    // a: [m, k], b: [k, n], c: [m, n]
    const k4 = k - (k % 4);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      const ai = i * k;
      if (!accumulate) c.fill(0, ci, ci + n);
      let p = 0;
      for (; p < k4; p += 4) {
        const a0 = a[ai + p];
        const a1 = a[ai + p + 1];
        const a2 = a[ai + p + 2];
        const a3 = a[ai + p + 3];
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue; // ReLU outputs are often zero
        const b0 = p * n;
        const b1 = b0 + n;
        const b2 = b1 + n;
        const b3 = b2 + n;
        for (let j = 0; j < n; j++) {
          c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
        }
      }
      for (; p < k; p++) {
        const a0 = a[ai + p];
        if (a0 === 0) continue;
        const b0 = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
      }
    }
  }

  matmulTransB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    // a: [m, k], b: [n, k], c: [m, n]; each output is a dot product of two contiguous rows.
    const n4 = n - (n % 4);
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      const ci = i * n;
      let j = 0;
      for (; j < n4; j += 4) {
        const b0 = j * k;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ai + p];
          s0 += av * b[b0 + p];
          s1 += av * b[b1 + p];
          s2 += av * b[b2 + p];
          s3 += av * b[b3 + p];
        }
        if (accumulate) {
          c[ci + j] += s0;
          c[ci + j + 1] += s1;
          c[ci + j + 2] += s2;
          c[ci + j + 3] += s3;
        } else {
          c[ci + j] = s0;
          c[ci + j + 1] = s1;
          c[ci + j + 2] = s2;
          c[ci + j + 3] = s3;
        }
      }
      for (; j < n; j++) {
        const b0 = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[b0 + p];
        c[ci + j] = accumulate ? c[ci + j] + s : s;
      }
    }
  }

  matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate = false): void {
    // a: [k, m], b: [k, n], c: [m, n]; the same loop as `matmul` with a read down its columns.
    const k4 = k - (k % 4);
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      if (!accumulate) c.fill(0, ci, ci + n);
      let p = 0;
      for (; p < k4; p += 4) {
        const a0 = a[p * m + i];
        const a1 = a[(p + 1) * m + i];
        const a2 = a[(p + 2) * m + i];
        const a3 = a[(p + 3) * m + i];
        if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
        const b0 = p * n;
        const b1 = b0 + n;
        const b2 = b1 + n;
        const b3 = b2 + n;
        for (let j = 0; j < n; j++) {
          c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
        }
      }
      for (; p < k; p++) {
        const a0 = a[p * m + i];
        if (a0 === 0) continue;
        const b0 = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Many-hot input layer: forward as a gather of weight rows, backward as a scatter-add into the same rows.

  gatherRows(weight: FloatArray, bias: FloatArray, index: Int32Array, width: number, y: FloatArray, rows: number, n: number): void {
    // weight: [inputs, n], bias: [n], index: [rows, width], y: [rows, n]
    for (let r = 0; r < rows; r++) {
      const yr = r * n;
      for (let j = 0; j < n; j++) y[yr + j] = bias[j];
      for (let q = 0; q < width; q++) {
        const wr = index[r * width + q] * n;
        for (let j = 0; j < n; j++) y[yr + j] += weight[wr + j];
      }
    }
  }

  scatterAddRows(dy: FloatArray, index: Int32Array, width: number, dWeight: FloatArray, rows: number, n: number): void {
    // dy: [rows, n], index: [rows, width], dWeight: [inputs, n]
    for (let r = 0; r < rows; r++) {
      const yr = r * n;
      for (let q = 0; q < width; q++) {
        const wr = index[r * width + q] * n;
        for (let j = 0; j < n; j++) dWeight[wr + j] += dy[yr + j];
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Bias and ReLU.

  addBias(y: FloatArray, bias: FloatArray, rows: number, n: number): void {
    // y: [rows, n], bias: [n]
    for (let r = 0; r < rows; r++) {
      const yr = r * n;
      for (let j = 0; j < n; j++) y[yr + j] += bias[j];
    }
  }

  sumRows(dy: FloatArray, dBias: FloatArray, rows: number, n: number, accumulate = false): void {
    // dy: [rows, n], dBias: [n]
    if (!accumulate) dBias.fill(0, 0, n);
    for (let r = 0; r < rows; r++) {
      const yr = r * n;
      for (let j = 0; j < n; j++) dBias[j] += dy[yr + j];
    }
  }

  relu(x: FloatArray, y: FloatArray, length: number): void {
    for (let i = 0; i < length; i++) {
      const v = x[i];
      y[i] = v > 0 ? v : 0;
    }
  }

  reluBackward(y: FloatArray, dy: FloatArray, dx: FloatArray, length: number): void {
    for (let i = 0; i < length; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Softmax cross-entropy.

  softmaxCrossEntropy(
    logits: FloatArray, targets: Int32Array, dLogits: FloatArray | null, rows: number, classes: number,
    gradScale: number, float64: boolean,
  ): { lossSum: number; correct: number; collapsed: number } {
    // logits: [rows, classes], targets: [rows], dLogits: [rows, classes]
    let lossSum = 0;
    let correct = 0;
    let collapsed = 0;
    for (let r = 0; r < rows; r++) {
      const base = r * classes;
      const t = targets[r];
      if (t < 0 || t >= classes) throw new RangeError(`target ${t} of row ${r} is outside [0, ${classes})`);

      let max = logits[base];
      let argmax = 0;
      for (let j = 1; j < classes; j++) {
        if (logits[base + j] > max) {
          max = logits[base + j];
          argmax = j;
        }
      }
      if (argmax === t) correct++;

      // e_j = exp(l_j − max) in float64. `others` sums every e_j except the target's, without forming 1 − p_t,
      // so that a confident row keeps its tiny loss and gradient instead of rounding them to 0.
      const lt = logits[base + t] - max;
      const et = Math.exp(lt);
      let others = 0;
      for (let j = 0; j < classes; j++) if (j !== t) others += Math.exp(logits[base + j] - max);
      const sum = et + others;
      // Collapsed: the target is the max logit and a float32 sum 1 + others rounds to exactly 1, so the float32
      // loss and the target's float32 gradient are exactly 0.
      if (lt === 0 && others <= FLOAT32_HALF_ULP_OF_ONE) collapsed++;

      if (float64) {
        // −log p_t = log1p(others / e_t) is exact for confident rows; for e_t ≤ ½ the loss is ≥ log 2 and
        // log(sum) − lt has no cancellation.
        lossSum += et > 0.5 ? Math.log1p(others / et) : Math.log(sum) - lt;
        if (dLogits !== null) {
          for (let j = 0; j < classes; j++) {
            const g = j === t ? (-others / sum) * gradScale : (Math.exp(logits[base + j] - max) / sum) * gradScale;
            dLogits[base + j] = g < FLOAT32_MIN_NORMAL && g > -FLOAT32_MIN_NORMAL ? 0 : g;
          }
        }
      } else {
        // The float32 log-sum-exp that a float32 framework computes, rounded after every operation.
        const max32 = fround(max);
        let sum32 = 0;
        for (let j = 0; j < classes; j++) sum32 = fround(sum32 + fround(Math.exp(fround(logits[base + j] - max32))));
        const loss32 = fround(fround(Math.log(sum32)) - fround(logits[base + t] - max32));
        lossSum = fround(lossSum + loss32);
        if (dLogits !== null) {
          for (let j = 0; j < classes; j++) {
            const p = fround(fround(Math.exp(fround(logits[base + j] - max32))) / sum32);
            const g = fround(j === t ? p - 1 : p) * gradScale;
            dLogits[base + j] = g < FLOAT32_MIN_NORMAL && g > -FLOAT32_MIN_NORMAL ? 0 : g;
          }
        }
      }
    }
    return { lossSum, correct, collapsed };
  }

  // ---------------------------------------------------------------------------------------------------------
  // Optimiser.

  adamStep(
    param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, length: number,
    step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, coupled: boolean,
  ): void {
    // param, grad, m, v: [length]
    const bias1 = 1 - Math.pow(beta1, step);
    const bias2 = 1 - Math.pow(beta2, step);
    const stepSize = lr / bias1;
    const sqrtBias2 = Math.sqrt(bias2);
    const oneMinusBeta1 = 1 - beta1;
    const oneMinusBeta2 = 1 - beta2;
    const coupledDecay = coupled ? weightDecay : 0;
    // AdamW shrinks θ by (1 − lr·wd) before the Adam update, as torch.optim.AdamW does.
    const shrink = coupled ? 1 : 1 - lr * weightDecay;
    const tiny = FLOAT32_MIN_NORMAL;
    for (let i = 0; i < length; i++) {
      const theta0 = param[i];
      const g = grad[i] + coupledDecay * theta0;
      let mi = beta1 * m[i] + oneMinusBeta1 * g;
      let vi = beta2 * v[i] + oneMinusBeta2 * g * g;
      if (Math.abs(mi) < tiny) mi = 0;
      if (vi < tiny) vi = 0;
      let theta = theta0 * shrink - (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + eps);
      if (Math.abs(theta) < PARAM_FLUSH) theta = 0;
      m[i] = mi;
      v[i] = vi;
      param[i] = theta;
    }
  }

  sumSquares(x: FloatArray, length: number): number {
    let s = 0;
    for (let i = 0; i < length; i++) s += x[i] * x[i];
    return s;
  }
}
