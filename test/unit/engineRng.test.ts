import assert from 'node:assert/strict';
import { fnv1a64, fnv1a64OfArray } from '../../src/engine/hash';
import { deriveSeed, Rng } from '../../src/engine/rng';

function draws(seed: number, count: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => rng.nextUint32());
}

describe('Rng', () => {
  it('repeats a stream for seed 0', () => {
    assert.deepEqual(draws(0, 16), draws(0, 16));
  });

  it('matches a Python xoshiro128** reference', () => {
    // Values from an independent Python implementation of SplitMix32 seeding and xoshiro128**.
    assert.deepEqual(draws(0, 4), [3809008728, 1133695204, 53579671, 2891528803]);
    assert.deepEqual(draws(12345, 2), [518667457, 440444462]);
  });

  it('gives unrelated streams for seeds 0 and 1', () => {
    const a = draws(0, 64);
    const b = draws(1, 64);
    const equal = a.filter((x, i) => x === b[i]).length;
    assert.equal(equal, 0);
  });

  it('produces non-degenerate output for seed 0', () => {
    const values = draws(0, 1000);
    assert.equal(new Set(values).size, 1000);
    assert.ok(values.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32));
  });

  it('rejects invalid seeds', () => {
    assert.throws(() => new Rng(-1), /seed must be an integer/);
    assert.throws(() => new Rng(1.5), /seed must be an integer/);
    assert.throws(() => new Rng(2 ** 32), /seed must be an integer/);
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const rng = new Rng(7);
    let sum = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      assert.ok(u >= 0, `${u}`);
      assert.ok(u < 1, `${u}`);
      sum += u;
    }
    // Standard error of the mean is √(1/12/n) ≈ 9e-4; 5e-3 is over 5 standard errors.
    assert.ok(Math.abs(sum / n - 0.5) < 5e-3, `mean ${sum / n}`);
  });

  it('draws integers below n evenly', () => {
    const rng = new Rng(3);
    const counts = new Array(6).fill(0);
    const n = 60_000;
    for (let i = 0; i < n; i++) counts[rng.below(6)]++;
    // Each count is Binomial(60000, 1/6): sd ≈ 91; allow 5 sd.
    for (const c of counts) assert.ok(Math.abs(c - 10_000) < 460, `counts ${counts}`);
    assert.equal(rng.below(1), 0);
    assert.throws(() => rng.below(0), /below\(n\)/);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = new Rng(11);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sumSq += z * z;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    // Standard errors: mean 1/√n ≈ 2.2e-3, variance √(2/n) ≈ 3.2e-3.
    assert.ok(Math.abs(mean) < 0.012, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.016, `variance ${variance}`);
  });

  it('shuffles into a permutation', () => {
    const a = new Int32Array(100);
    for (let i = 0; i < a.length; i++) a[i] = i;
    new Rng(0).shuffle(a);
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
    assert.notDeepEqual([...a], Array.from({ length: 100 }, (_, i) => i));
  });

  it('shuffles every position evenly', () => {
    // Over many shuffles of [0, 1, 2], each of the 6 orders appears about equally often.
    const rng = new Rng(5);
    const counts = new Map<string, number>();
    const n = 60_000;
    for (let i = 0; i < n; i++) {
      const key = rng.shuffle([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assert.equal(counts.size, 6);
    for (const c of counts.values()) assert.ok(Math.abs(c - 10_000) < 460, `counts ${[...counts]}`);
  });
});

describe('deriveSeed', () => {
  it('is a pure function of its arguments', () => {
    assert.equal(deriveSeed(0, 1, 2), deriveSeed(0, 1, 2));
  });

  it('separates seeds, streams and their order', () => {
    const seeds = [deriveSeed(0), deriveSeed(0, 0), deriveSeed(0, 1), deriveSeed(1, 0), deriveSeed(0, 1, 2), deriveSeed(0, 2, 1), deriveSeed(0, 0, 0)];
    assert.equal(new Set(seeds).size, seeds.length);
  });

  it('gives distinct seeds for many snapshot indices', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 50_000; i++) seen.add(deriveSeed(0, 4, i));
    assert.equal(seen.size, 50_000);
  });
});

describe('fnv1a64', () => {
  it('matches the published test vectors', () => {
    const text = (s: string) => new TextEncoder().encode(s);
    assert.equal(fnv1a64(text('')), 'cbf29ce484222325');
    assert.equal(fnv1a64(text('a')), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64(text('foobar')), '85944171f73967e8');
  });

  it('hashes a typed array view by its own bytes', () => {
    const whole = new Int32Array([1, 2, 3, 4]);
    assert.equal(fnv1a64OfArray(whole.subarray(1, 3)), fnv1a64OfArray(new Int32Array([2, 3])));
    assert.notEqual(fnv1a64OfArray(whole.subarray(1, 3)), fnv1a64OfArray(new Int32Array([3, 2])));
  });
});
