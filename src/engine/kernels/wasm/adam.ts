// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type v128 or load<T>.
// Adam in float32 lanes (f32x4). The TypeScript kernel set computes the same update in float64, so the two sets
// agree to float32 rounding (a few units of 2⁻²⁴ relative per step), not bit for bit.
//
// WebAssembly has no flush-to-zero mode, and x86 arithmetic that produces a subnormal float32 is many times
// slower. Besides flushing what it writes, the kernel therefore replaces by 0 every factor whose product would
// be subnormal. These are m below 2⁻¹²⁶/β₁, v below 2⁻¹²⁶/β₂, g below 2⁻¹²⁶/(1 − β₁) in the m update and g
// below 2·√(2⁻¹²⁶/(1 − β₂)) in the v update. The last is what late training hits for every element, (1 − β₂)·g·g
// with |g| ≈ 1e-20. The dropped terms change m by under 2·2⁻¹²⁶ and v by under 5·2⁻¹²⁶. Through the step
// lr/(1 − β₁ᵗ)·m/(√v̂ + ε) that moves θ by under lr/(1 − β₁)·2.4e-38/ε, which is 2.4e-32 at lr = 1e-3,
// β₁ = 0.9 and ε = 1e-8: below the float32 resolution of any θ that is kept (|θ| ≥ 2⁻⁶³). It moves √v̂ by
// under √(5·2⁻¹²⁶)/√(1 − β₂) = 1.7e-18 at β₂ = 0.98, which is 1.7e-10 of ε = 1e-8, far below 2⁻²⁴ ≈ 6e-8.

// Smallest normal float32, 2⁻¹²⁶: moments below it are written as 0.
const FLOAT32_MIN_NORMAL: f64 = 1.1754943508222875e-38;

/**
 * Parameters below 2⁻⁶³ ≈ 1.08e-19 in magnitude are written as 0. Every product of two kept parameters is then
 * at least 2⁻¹²⁶, a normal float32, and so is the product of a kept parameter and an activation or gradient of
 * at least 2⁻⁶³. The forward and backward products therefore stay off the slow subnormal path. PyTorch avoids
 * that path with flush-to-zero instead, which bench/reference/torch_bench.py turns on with
 * torch.set_flush_denormal(True).
 *
 * Why this cannot change a result beyond float32 resolution: zeroing the weights w_j of a layer with
 * |w_j| < 2⁻⁶³ moves each of its outputs z = b + Σ_j w_j·h_j by under 2⁻⁶³·Σ_j |h_j|. For the logits, that
 * shifts every logit difference by under 2⁻⁶²·Σ_j |h_j|, and each softmax probability by a factor within
 * exp(±2⁻⁶²·Σ_j |h_j|). Unless the hidden activations sum to more than 2³⁷ ≈ 1.4e11 in magnitude, that factor
 * lies within 1 ± 2⁻²⁵, under half a float32 ulp. For a weight that weight decay has brought this low the flush
 * only comes early: decay shrinks it geometrically towards 0 anyway. The TypeScript set applies the same rule.
 */
const PARAM_FLUSH: f64 = 1.0842021724855044e-19;

/**
 * Applies one Adam step to `length` float32 parameters. The caller computes the step-dependent scalars once per
 * call in float64, as the TypeScript set does: stepSize = lr/(1 − β₁ᵗ), sqrtBias2 = √(1 − β₂ᵗ),
 * coupledDecay = wd for Adam or 0 for AdamW, shrink = 1 for Adam or 1 − lr·wd for AdamW. They are rounded to
 * float32 here, and every element runs the same float32 operations, in the lanes and in the scalar tail:
 *
 *   m ← β₁m + (1 − β₁)g,  v ← β₂v + ((1 − β₂)g)·g,  θ ← θ·shrink − m·(stepSize/(√v·(1/sqrtBias2) + ε))
 *
 * with g = grad + coupledDecay·θ. The step is applied as m·(stepSize/denominator) rather than (stepSize·m)/…,
 * because stepSize·m is subnormal for m near 2⁻¹²⁶, while m·(stepSize/denominator) is not whenever the
 * denominator is below stepSize, as it is while √v̂ is small against ε.
 */
export function adamStep(
  param: usize, grad: usize, m: usize, v: usize, length: i32,
  stepSize: f64, sqrtBias2: f64, beta1: f64, beta2: f64, eps: f64, coupledDecay: f64, shrink: f64,
): void {
  const cStepSize = <f32>stepSize;
  const cInvSqrtBias2 = <f32>(1 / sqrtBias2);
  const cBeta1 = <f32>beta1;
  const cBeta2 = <f32>beta2;
  const cOneMinusBeta1 = <f32>(1 - beta1);
  const cOneMinusBeta2 = <f32>(1 - beta2);
  const cEps = <f32>eps;
  const cDecay = <f32>coupledDecay;
  const cShrink = <f32>shrink;
  const cMomentMin = <f32>FLOAT32_MIN_NORMAL;
  const cParamMin = <f32>PARAM_FLUSH;
  // Factors below these are replaced by 0 (see the file header). The factor 2 in the last covers float32
  // rounding of (1 − β₂)·g, so that a kept product stays at or above 2⁻¹²⁶.
  const cMomentKeep = <f32>(FLOAT32_MIN_NORMAL / beta1);
  const cVarianceKeep = <f32>(FLOAT32_MIN_NORMAL / beta2);
  const cGradKeep = <f32>(FLOAT32_MIN_NORMAL / (1 - beta1));
  const cGradSquareKeep = <f32>(2 * Math.sqrt(FLOAT32_MIN_NORMAL / (1 - beta2)));

  const vStepSize = f32x4.splat(cStepSize);
  const vInvSqrtBias2 = f32x4.splat(cInvSqrtBias2);
  const vBeta1 = f32x4.splat(cBeta1);
  const vBeta2 = f32x4.splat(cBeta2);
  const vOneMinusBeta1 = f32x4.splat(cOneMinusBeta1);
  const vOneMinusBeta2 = f32x4.splat(cOneMinusBeta2);
  const vEps = f32x4.splat(cEps);
  const vDecay = f32x4.splat(cDecay);
  const vShrink = f32x4.splat(cShrink);
  const vMomentMin = f32x4.splat(cMomentMin);
  const vParamMin = f32x4.splat(cParamMin);
  const vMomentKeep = f32x4.splat(cMomentKeep);
  const vVarianceKeep = f32x4.splat(cVarianceKeep);
  const vGradKeep = f32x4.splat(cGradKeep);
  const vGradSquareKeep = f32x4.splat(cGradSquareKeep);

  const l4 = length & ~3;
  let i = 0;
  for (; i < l4; i += 4) {
    const o = (<usize>i) << 2;
    const p = v128.load(param + o);
    const g = f32x4.add(v128.load(grad + o), f32x4.mul(vDecay, p));
    const mo = v128.load(m + o);
    const vo = v128.load(v + o);
    const mKept = v128.andnot(mo, f32x4.lt(f32x4.abs(mo), vMomentKeep));
    const vKept = v128.andnot(vo, f32x4.lt(vo, vVarianceKeep));
    const gm = v128.andnot(g, f32x4.lt(f32x4.abs(g), vGradKeep));
    const gs = v128.andnot(g, f32x4.lt(f32x4.abs(g), vGradSquareKeep));
    let mi = f32x4.add(f32x4.mul(vBeta1, mKept), f32x4.mul(vOneMinusBeta1, gm));
    let vi = f32x4.add(f32x4.mul(vBeta2, vKept), f32x4.mul(f32x4.mul(vOneMinusBeta2, gs), gs));
    mi = v128.andnot(mi, f32x4.lt(f32x4.abs(mi), vMomentMin));
    vi = v128.andnot(vi, f32x4.lt(vi, vMomentMin));
    const denominator = f32x4.add(f32x4.mul(f32x4.sqrt(vi), vInvSqrtBias2), vEps);
    let theta = f32x4.sub(f32x4.mul(p, vShrink), f32x4.mul(mi, f32x4.div(vStepSize, denominator)));
    theta = v128.andnot(theta, f32x4.lt(f32x4.abs(theta), vParamMin));
    v128.store(param + o, theta);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
  }
  for (; i < length; i++) {
    const o = (<usize>i) << 2;
    const p = load<f32>(param + o);
    const g = load<f32>(grad + o) + cDecay * p;
    const mo = load<f32>(m + o);
    const vo = load<f32>(v + o);
    const mKept = Mathf.abs(mo) < cMomentKeep ? <f32>0 : mo;
    const vKept = vo < cVarianceKeep ? <f32>0 : vo;
    const gm = Mathf.abs(g) < cGradKeep ? <f32>0 : g;
    const gs = Mathf.abs(g) < cGradSquareKeep ? <f32>0 : g;
    let mi = cBeta1 * mKept + cOneMinusBeta1 * gm;
    let vi = cBeta2 * vKept + (cOneMinusBeta2 * gs) * gs;
    if (Mathf.abs(mi) < cMomentMin) mi = 0;
    if (vi < cMomentMin) vi = 0;
    const denominator = Mathf.sqrt(vi) * cInvSqrtBias2 + cEps;
    let theta = p * cShrink - mi * (cStepSize / denominator);
    if (Mathf.abs(theta) < cParamMin) theta = 0;
    store<f32>(param + o, theta);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
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
