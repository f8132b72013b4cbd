import assert from 'node:assert/strict';
import { buildModularAddition, trainCount } from '../../src/engine/data/modularAddition';

describe('modular-addition data', () => {
  it('splits P = 113 at 0.7 into 8938 and 3831', () => {
    const data = buildModularAddition(113, 0.7, 0);
    assert.equal(data.trainTargets.length, 8938);
    assert.equal(data.testTargets.length, 3831);
    assert.equal(data.trainInputs.length, 2 * 8938);
    assert.equal(data.testInputs.length, 2 * 3831);
  });

  it('partitions all P² pairs', () => {
    const data = buildModularAddition(113, 0.7, 0);
    const seen = new Uint8Array(113 * 113);
    for (const id of [...data.trainPairs, ...data.testPairs]) seen[id]++;
    assert.ok(seen.every((c) => c === 1));
  });

  it('encodes pairs as two-hot indices', () => {
    // Pair (a, b) becomes inputs [a, P + b] with target (a + b) mod P.
    const p = 7;
    const data = buildModularAddition(p, 0.5, 3);
    for (let i = 0; i < data.trainPairs.length; i++) {
      const a = Math.floor(data.trainPairs[i] / p);
      const b = data.trainPairs[i] % p;
      assert.equal(data.trainInputs[2 * i], a);
      assert.equal(data.trainInputs[2 * i + 1], p + b);
      assert.equal(data.trainTargets[i], (a + b) % p);
    }
  });

  it('repeats the split for the same seed, including 0', () => {
    const a = buildModularAddition(113, 0.7, 0);
    const b = buildModularAddition(113, 0.7, 0);
    assert.deepEqual(a.trainPairs, b.trainPairs);
    assert.equal(a.splitHash, b.splitHash);
    assert.match(a.splitHash, /^[0-9a-f]{16}$/);
  });

  it('gives a different split for seed 1', () => {
    const a = buildModularAddition(113, 0.7, 0);
    const b = buildModularAddition(113, 0.7, 1);
    assert.notEqual(a.splitHash, b.splitHash);
    assert.notDeepEqual(a.trainPairs, b.trainPairs);
  });

  it('keeps the shuffled order, not sorted pairs', () => {
    const data = buildModularAddition(113, 0.7, 0);
    let ascending = 0;
    for (let i = 1; i < data.trainPairs.length; i++) if (data.trainPairs[i] > data.trainPairs[i - 1]) ascending++;
    // A random order rises about half the time; a sorted one every time.
    assert.ok(ascending > 4000, `${ascending} rises`);
    assert.ok(ascending < 4938, `${ascending} rises`);
  });

  it('counts the training set without float rounding loss', () => {
    assert.equal(trainCount(0.7, 12769), 8938);
    assert.equal(trainCount(0.29, 100), 29);
    assert.equal(trainCount(0.57, 100), 57);
    assert.equal(trainCount(0.7, 10), 7);
    assert.equal(trainCount(0.5, 49), 24);
  });

  it('rejects splits with an empty side', () => {
    assert.throws(() => buildModularAddition(2, 0.1, 0), /both sets must be non-empty/);
    assert.throws(() => buildModularAddition(1, 0.5, 0), /P must be an integer/);
  });
});
