// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type v128 or load<T>.
// Adam in float64 lanes (f64x2), with the same operations in the same order as the TypeScript kernel set.
// Float64 keeps intermediate products such as (1 − β₂)·g·g for g ≈ 1e-20 out of the subnormal range, where
// float32 arithmetic on x86 is many times slower; WebAssembly has no flush-to-zero mode to avoid that.

// Smallest normal float32, 2⁻¹²⁶: parameters and moments below it are written as 0.
const FLOAT32_MIN_NORMAL: f64 = 1.1754943508222875e-38;

/**
 * Applies one Adam step to `length` float32 parameters. The caller computes the step-dependent scalars as the
 * TypeScript set does: stepSize = lr/(1 − β₁ᵗ), sqrtBias2 = √(1 − β₂ᵗ), coupledDecay = wd for Adam or 0 for
 * AdamW, shrink = 1 for Adam or 1 − lr·wd for AdamW.
 */
export function adamStep(
  param: usize, grad: usize, m: usize, v: usize, length: i32,
  stepSize: f64, sqrtBias2: f64, beta1: f64, beta2: f64, eps: f64, coupledDecay: f64, shrink: f64,
): void {
  const vStepSize = f64x2.splat(stepSize);
  const vSqrtBias2 = f64x2.splat(sqrtBias2);
  const vBeta1 = f64x2.splat(beta1);
  const vBeta2 = f64x2.splat(beta2);
  const vOneMinusBeta1 = f64x2.splat(1 - beta1);
  const vOneMinusBeta2 = f64x2.splat(1 - beta2);
  const vEps = f64x2.splat(eps);
  const vDecay = f64x2.splat(coupledDecay);
  const vShrink = f64x2.splat(shrink);
  const tiny = f64x2.splat(FLOAT32_MIN_NORMAL);

  // Two parameters per pass: an 8-byte load fills the low half of a v128 with two float32s, promoted to f64x2.
  const l2 = length & ~1;
  let i = 0;
  for (; i < l2; i += 2) {
    const o = (<usize>i) << 2;
    const p = f64x2.promote_low_f32x4(v128.load64_zero(param + o));
    const g = f64x2.promote_low_f32x4(v128.load64_zero(grad + o));
    const mo = f64x2.promote_low_f32x4(v128.load64_zero(m + o));
    const vo = f64x2.promote_low_f32x4(v128.load64_zero(v + o));

    let theta = f64x2.mul(p, vShrink);
    const gi = f64x2.add(g, f64x2.mul(vDecay, p));
    let mi = f64x2.add(f64x2.mul(vBeta1, mo), f64x2.mul(vOneMinusBeta1, gi));
    let vi = f64x2.add(f64x2.mul(vBeta2, vo), f64x2.mul(f64x2.mul(vOneMinusBeta2, gi), gi));
    mi = v128.andnot(mi, f64x2.lt(f64x2.abs(mi), tiny));
    vi = v128.andnot(vi, f64x2.lt(vi, tiny));
    const denominator = f64x2.add(f64x2.div(f64x2.sqrt(vi), vSqrtBias2), vEps);
    theta = f64x2.sub(theta, f64x2.div(f64x2.mul(vStepSize, mi), denominator));
    theta = v128.andnot(theta, f64x2.lt(f64x2.abs(theta), tiny));

    v128.store64_lane(param + o, f32x4.demote_f64x2_zero(theta), 0);
    v128.store64_lane(m + o, f32x4.demote_f64x2_zero(mi), 0);
    v128.store64_lane(v + o, f32x4.demote_f64x2_zero(vi), 0);
  }
  for (; i < length; i++) {
    const o = (<usize>i) << 2;
    const p = <f64>load<f32>(param + o);
    let theta = p * shrink;
    const gi = <f64>load<f32>(grad + o) + coupledDecay * p;
    let mi = beta1 * <f64>load<f32>(m + o) + (1 - beta1) * gi;
    let vi = beta2 * <f64>load<f32>(v + o) + (1 - beta2) * gi * gi;
    if (mi < FLOAT32_MIN_NORMAL && mi > -FLOAT32_MIN_NORMAL) mi = 0;
    if (vi < FLOAT32_MIN_NORMAL) vi = 0;
    theta -= (stepSize * mi) / (Math.sqrt(vi) / sqrtBias2 + eps);
    if (theta < FLOAT32_MIN_NORMAL && theta > -FLOAT32_MIN_NORMAL) theta = 0;
    store<f32>(param + o, <f32>theta);
    store<f32>(m + o, <f32>mi);
    store<f32>(v + o, <f32>vi);
  }
}

/** Returns Σ x² over `length` float32s, accumulated in float64 in two lanes (even and odd indices). */
export function sumSquares(x: usize, length: i32): f64 {
  let s = f64x2.splat(0);
  const l2 = length & ~1;
  let i = 0;
  for (; i < l2; i += 2) {
    const xi = f64x2.promote_low_f32x4(v128.load64_zero(x + ((<usize>i) << 2)));
    s = f64x2.add(s, f64x2.mul(xi, xi));
  }
  let total = f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
  for (; i < length; i++) {
    const xi = <f64>load<f32>(x + ((<usize>i) << 2));
    total += xi * xi;
  }
  return total;
}
