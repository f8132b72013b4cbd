// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type its builtins.
// Softmax cross-entropy with the same arithmetic as the TypeScript kernel set: float64 with a loss that stays
// exact for confident rows, or float32 rounded after every operation as a float32 framework computes it.
import { exp64, log1p64, log64 } from './math64';

// Smallest normal float32, 2⁻¹²⁶: gradients below it are written as 0.
const FLOAT32_MIN_NORMAL: f64 = 1.1754943508222875e-38;
// Half an ulp of 1 in float32, 2⁻²⁴: a float32 sum 1 + others with others ≤ this rounds to exactly 1.
const FLOAT32_HALF_ULP_OF_ONE: f64 = 5.960464477539063e-8;

function flushed(g: f64): f32 {
  return g < FLOAT32_MIN_NORMAL && g > -FLOAT32_MIN_NORMAL ? 0 : <f32>g;
}

/**
 * Returns the summed loss over `rows` rows of logits[rows, classes] with int32 targets[rows], and writes the
 * count of correct argmax predictions and of collapsed rows to counts[0] and counts[1] (int32). When
 * hasGrad, writes dLogits[rows, classes] = (softmax − onehot)·gradScale. `exps` is scratch for `classes`
 * float64 values. The caller checks that targets lie in [0, classes).
 */
export function softmaxCrossEntropy(
  logits: usize, targets: usize, dLogits: usize, hasGrad: bool, rows: i32, classes: i32,
  gradScale: f64, float64: bool, exps: usize, counts: usize,
): f64 {
  const rowBytes = (<usize>classes) << 2;
  let lossSum: f64 = 0;
  let lossSum32: f32 = 0;
  let correct = 0;
  let collapsed = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits + (<usize>r) * rowBytes;
    const t = load<i32>(targets + ((<usize>r) << 2));

    let max = load<f32>(z);
    let argmax = 0;
    for (let j = 1; j < classes; j++) {
      const v = load<f32>(z + ((<usize>j) << 2));
      if (v > max) {
        max = v;
        argmax = j;
      }
    }
    if (argmax == t) correct++;

    // e_j = exp(z_j − max) in float64; `others` sums every e_j but the target's, so 1 − p_t is never formed.
    const lt = <f64>load<f32>(z + ((<usize>t) << 2)) - <f64>max;
    let others: f64 = 0;
    for (let j = 0; j < classes; j++) {
      const e = exp64(<f64>load<f32>(z + ((<usize>j) << 2)) - <f64>max);
      store<f64>(exps + ((<usize>j) << 3), e);
      if (j != t) others += e;
    }
    const et = load<f64>(exps + ((<usize>t) << 3));
    const sum = et + others;
    if (lt == 0 && others <= FLOAT32_HALF_ULP_OF_ONE) collapsed++;

    const dz = dLogits + (<usize>r) * rowBytes;
    if (float64) {
      // For e_t > ½ the loss log1p(others / e_t) is exact however small; below, log(sum) − lt ≥ log 2 has no
      // cancellation.
      lossSum += et > 0.5 ? log1p64(others / et) : log64(sum) - lt;
      if (hasGrad) {
        for (let j = 0; j < classes; j++) {
          const g = j == t ? (-others / sum) * gradScale : (load<f64>(exps + ((<usize>j) << 3)) / sum) * gradScale;
          store<f32>(dz + ((<usize>j) << 2), flushed(g));
        }
      }
    } else {
      let sum32: f32 = 0;
      for (let j = 0; j < classes; j++) {
        sum32 += <f32>exp64(<f64>(load<f32>(z + ((<usize>j) << 2)) - max));
      }
      const loss32 = <f32>log64(<f64>sum32) - (load<f32>(z + ((<usize>t) << 2)) - max);
      lossSum32 += loss32;
      if (hasGrad) {
        for (let j = 0; j < classes; j++) {
          const p = <f32>exp64(<f64>(load<f32>(z + ((<usize>j) << 2)) - max)) / sum32;
          const g = <f64>(j == t ? p - 1 : p) * gradScale;
          store<f32>(dz + ((<usize>j) << 2), flushed(g));
        }
      }
    }
  }
  store<i32>(counts, correct);
  store<i32>(counts, collapsed, 4);
  return float64 ? lossSum : <f64>lossSum32;
}
