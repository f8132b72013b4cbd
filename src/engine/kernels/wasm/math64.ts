// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type its builtins.
// exp and log in float64 for the softmax, written here because the module links no libc. Both reduce the
// argument to a short interval and sum a truncated series whose remainder is below 2⁻⁵⁵ relative, so the
// results stay within a few ulps of Math.exp and Math.log (test/unit/wasmKernels.test.ts measures this).

const LOG2E: f64 = 1.4426950408889634;
// ln 2 split so that n·LN2_HI is exact for |n| < 2¹¹: LN2_HI keeps the top 32 bits of ln 2's mantissa.
const LN2_HI: f64 = reinterpret<f64>(0x3fe62e42fee00000);
const LN2_LO: f64 = 0.6931471805599453 - reinterpret<f64>(0x3fe62e42fee00000) + 2.3190468138462996e-17;
// exp(x) overflows float64 above ln(2¹⁰²⁴) and is below half the smallest subnormal under ln(2⁻¹⁰⁷⁵).
const EXP_OVERFLOW: f64 = 709.782712893384;
const EXP_UNDERFLOW: f64 = -745.1332191019412;
const SQRT_HALF: f64 = 0.7071067811865476;

// 2^n as a float64, for −1022 ≤ n ≤ 1023.
function pow2(n: i32): f64 {
  return reinterpret<f64>((<i64>(n + 1023)) << 52);
}

/**
 * e^x. x = n·ln 2 + r with |r| ≤ ln 2 / 2, and e^r is the Taylor series to r¹³, whose remainder
 * (ln 2 / 2)¹⁴ / 14! ≈ 4e-18 is below half an ulp of 1.
 */
export function exp64(x: f64): f64 {
  if (isNaN(x)) return x;
  if (x > EXP_OVERFLOW) return Infinity;
  if (x < EXP_UNDERFLOW) return 0;
  const n = nearest(x * LOG2E);
  const r = (x - n * LN2_HI) - n * LN2_LO;
  // e^r − 1 = r + r²·q(r) with q(r) = Σ_{i=0..11} rⁱ/(i + 2)!, evaluated by Estrin's scheme: pairs of terms,
  // then pairs of pairs, so that the dependency chain is 4 multiply-adds deep instead of Horner's 12.
  const r2 = r * r;
  const r4 = r2 * r2;
  const r8 = r4 * r4;
  const a0 = 1.0 / 2.0 + r * (1.0 / 6.0);
  const a1 = 1.0 / 24.0 + r * (1.0 / 120.0);
  const a2 = 1.0 / 720.0 + r * (1.0 / 5040.0);
  const a3 = 1.0 / 40320.0 + r * (1.0 / 362880.0);
  const a4 = 1.0 / 3628800.0 + r * (1.0 / 39916800.0);
  const a5 = 1.0 / 479001600.0 + r * (1.0 / 6227020800.0);
  const q = (a0 + r2 * a1) + r4 * (a2 + r2 * a3) + r8 * (a4 + r2 * a5);
  const s = r + r2 * q;
  const e = 1.0 + s;
  const k = <i32>n;
  // Results below 2⁻¹⁰²² are scaled in two steps so that pow2 stays in range.
  if (k < -1021) return e * pow2(k + 1000) * pow2(-1000);
  if (k > 1023) return e * pow2(k - 1) * 2.0;
  return e * pow2(k);
}

/**
 * ln x. x = 2^e·f with √½ ≤ f < √2, and ln f = 2·atanh(s) with s = (f − 1)/(f + 1), |s| ≤ 0.172; the
 * atanh series to s²³ leaves a remainder below 2e-19 relative.
 */
export function log64(x: f64): f64 {
  if (isNaN(x) || x < 0) return NaN;
  if (x == 0) return -Infinity;
  if (x == Infinity) return x;

  let bits = reinterpret<i64>(x);
  let e: i32 = <i32>(bits >> 52) - 1023;
  if (e == -1023) {
    // Subnormal input: scale by 2⁵⁴ so that the exponent field is normal.
    bits = reinterpret<i64>(x * 18014398509481984.0);
    e = <i32>(bits >> 52) - 1023 - 54;
  }
  let f = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000);
  if (f >= 2 * SQRT_HALF) {
    f *= 0.5;
    e += 1;
  }

  const s = (f - 1.0) / (f + 1.0);
  const z = s * s;
  let t: f64 = 1.0 / 23.0;
  t = t * z + 1.0 / 21.0;
  t = t * z + 1.0 / 19.0;
  t = t * z + 1.0 / 17.0;
  t = t * z + 1.0 / 15.0;
  t = t * z + 1.0 / 13.0;
  t = t * z + 1.0 / 11.0;
  t = t * z + 1.0 / 9.0;
  t = t * z + 1.0 / 7.0;
  t = t * z + 1.0 / 5.0;
  t = t * z + 1.0 / 3.0;
  const lnF = 2.0 * s + 2.0 * s * z * t; // 2s + 2s·(s²/3 + s⁴/5 + …)

  const ne = <f64>e;
  return ne * LN2_HI + (lnF + ne * LN2_LO);
}

/**
 * ln(1 + x), accurate for tiny x: u = 1 + x is rounded, and ln(u)·x/(u − 1) cancels that rounding to first
 * order (W. Kahan's method, as in Goldberg, "What Every Computer Scientist Should Know About Floating-Point
 * Arithmetic", 1991, Theorem 4).
 */
export function log1p64(x: f64): f64 {
  const u = 1.0 + x;
  if (u == 1.0) return x;
  if (u == Infinity) return u;
  return log64(u) * (x / (u - 1.0));
}
