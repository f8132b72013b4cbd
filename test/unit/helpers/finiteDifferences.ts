import assert from 'node:assert/strict';
import type { FloatArray } from '../../../src/engine/kernels/types';
import type { Rng } from '../../../src/engine/rng';

/** Returns `length` values drawn uniformly from [−1, 1). */
export function randomArray(rng: Rng, length: number): Float64Array {
  const a = new Float64Array(length);
  for (let i = 0; i < length; i++) a[i] = 2 * rng.uniform() - 1;
  return a;
}

export function dot(a: FloatArray, b: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Returns a check of `analytic` against the central difference (f(x + h) − f(x − h)) / 2h of `loss` in every
 * entry of `x`, within `tolerance` relative to the numeric value, or absolute below 1.
 */
export function gradientChecker(
  h: number,
  tolerance: number,
): (x: FloatArray, analytic: FloatArray, loss: () => number, what: string) => void {
  return (x, analytic, loss, what) => {
    assert.equal(analytic.length, x.length);
    for (let i = 0; i < x.length; i++) {
      const saved = x[i];
      x[i] = saved + h;
      const up = loss();
      x[i] = saved - h;
      const down = loss();
      x[i] = saved;
      const numeric = (up - down) / (2 * h);
      assert.ok(
        Math.abs(numeric - analytic[i]) <= tolerance * Math.max(1, Math.abs(numeric)),
        `${what}[${i}]: analytic ${analytic[i]}, numeric ${numeric}`,
      );
    }
  };
}
