import assert from 'node:assert/strict';
import { countStripes, fitThreshold, isStripe, thresholdAccuracy } from '../../src/engine/data/ising/baselines';
import { allocateIsingDataset } from '../../src/engine/data/ising/dataset';
import { isingTemperatures } from '../../src/engine/data/ising/params';
import { splitIsing } from '../../src/engine/data/ising/split';

describe('Ising split', () => {
  it('takes 1000 test and 300 train of 50,000 without overlap', () => {
    const split = splitIsing(50000, 0);
    assert.equal(split.test.length, 1000);
    assert.equal(split.train.length, 300);
    const all = new Set([...split.test, ...split.train]);
    assert.equal(all.size, 1300);
    assert.ok([...all].every((i) => Number.isInteger(i) && i >= 0 && i < 50000));
  });

  it('repeats for a seed and changes with it', () => {
    assert.deepEqual(splitIsing(50000, 4), splitIsing(50000, 4));
    assert.notDeepEqual(splitIsing(50000, 4).train, splitIsing(50000, 5).train);
  });

  it('draws test and train from one shuffle', () => {
    const a = splitIsing(100, 9, 10, 5);
    const b = splitIsing(100, 9, 30, 0);
    assert.deepEqual(a.test, b.test.subarray(0, 10));
    assert.deepEqual(a.train, b.test.subarray(10, 15));
  });

  it('rejects sizes beyond the dataset', () => {
    assert.throws(() => splitIsing(1200, 0), /exceeds the 1200 snapshots/);
    assert.throws(() => splitIsing(100, 0, -1, 5), /testSize/);
  });
});

describe('Ising physical baselines', () => {
  it('fits a rising threshold between the classes', () => {
    const rule = fitThreshold([1, 2, 3, 4], [0, 0, 1, 1], [0, 1, 2, 3]);
    assert.deepEqual(rule, { threshold: 2.5, disorderedAbove: true, accuracy: 1 });
  });

  it('fits a falling threshold and counts errors', () => {
    // |M|-like: ordered snapshots have the larger values; one ordered snapshot sits low (a stripe).
    const feature = [0.9, 0.95, 0.1, 0.2, 0.05, 0.15];
    const label = [0, 0, 1, 1, 0, 1];
    const rule = fitThreshold(feature, label, [0, 1, 2, 3, 4, 5]);
    assert.equal(rule.disorderedAbove, false);
    assert.ok(rule.threshold > 0.2, `threshold ${rule.threshold}`);
    assert.ok(rule.threshold < 0.9, `threshold ${rule.threshold}`);
    assert.equal(rule.accuracy, 5 / 6);
    assert.equal(thresholdAccuracy(feature, label, [0, 1, 2, 3, 4, 5], rule), 5 / 6);
    assert.equal(thresholdAccuracy(feature, label, [4], rule), 0);
  });

  it('handles tied feature values', () => {
    const rule = fitThreshold([1, 1, 1, 2], [0, 1, 0, 1], [0, 1, 2, 3]);
    assert.equal(rule.accuracy, 3 / 4);
    assert.equal(thresholdAccuracy([1, 1, 1, 2], [0, 1, 0, 1], [0, 1, 2, 3], rule), 3 / 4);
  });

  it('classifies stripe states by E and |M|', () => {
    assert.equal(isStripe(-448, 0, 16), true); // two straight walls
    assert.equal(isStripe(-512, 256, 16), false); // all up
    assert.equal(isStripe(512, 0, 16), false); // checkerboard
    assert.equal(isStripe(-300, 10, 16), false); // disordered-looking energy, −0.586 per bond
  });

  it('counts stripes among ordered snapshots only', () => {
    const data = allocateIsingDataset({ L: 16, sweeps: 0, temperatures: isingTemperatures(2), samplesPerTemperature: 2, dataSeed: 0 });
    data.energy.set([-448, -512, -448, -300]);
    data.magnetisation.set([0, 256, 0, 10]);
    assert.deepEqual(countStripes(data), { ordered: 2, lowMagnetisation: 1, stripes: 1 });
  });
});
