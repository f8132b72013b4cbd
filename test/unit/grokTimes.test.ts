import * as assert from 'node:assert/strict';
import { grokTimes, type EpochRecord } from '../../src/shared/metrics';

const relative = { mode: 'relative' as const, margin: 0.05 };

function records(train: number[], test: number[]): EpochRecord[] {
  return train.map((trainAccuracy, epoch) => ({
    epoch, trainAccuracy, testAccuracy: test[epoch], trainLoss: 1, testLoss: 1, weightNorm: 1, layerNorms: [], collapsedFraction: 0, elapsedSeconds: 0,
  }));
}

describe('grokTimes', () => {
  it('times a grokking run', () => {
    // Train reaches 0.95 · 1.0 at epoch 2; test reaches 0.95 at epoch 6.
    const t = grokTimes(records([0.01, 0.5, 0.96, 1, 1, 1, 1, 1], [0.01, 0, 0, 0.1, 0.4, 0.9, 0.95, 1]), relative);
    assert.equal(t.tTrain, 2);
    assert.equal(t.tTest, 6);
    assert.equal(t.tGrok, 4);
    assert.equal(t.grokked, true);
  });

  it('times a steady run as not grokked', () => {
    const t = grokTimes(records([0.01, 0.6, 0.97, 1, 1], [0.01, 0.5, 0.9, 0.99, 1]), relative);
    assert.equal(t.tTrain, 2);
    assert.equal(t.tTest, 3);
    assert.equal(t.tGrok, 1);
    assert.equal(t.grokked, false);
  });

  it('counts t_grok equal to t_train as steady', () => {
    const t = grokTimes(records([0, 0.5, 1, 1, 1], [0, 0, 0.2, 0.5, 1]), relative);
    assert.equal(t.tTrain, 2);
    assert.equal(t.tTest, 4);
    assert.equal(t.grokked, false);
  });

  it('leaves times open before any learning', () => {
    // Test accuracy never rises above its initial 0.009, so it has no t_test yet.
    const t = grokTimes(records([0.007, 0.3, 1], [0.009, 0.001, 0.0003]), relative);
    assert.equal(t.tTrain, 2);
    assert.equal(t.tTest, null);
    assert.equal(t.tGrok, null);
    assert.equal(t.grokked, null);
    assert.deepEqual(grokTimes([], relative), { tTrain: null, tTest: null, tGrok: null, grokked: null });
  });

  it('applies an absolute margin', () => {
    // Max 0.8: the relative bar is 0.76, the absolute bar 0.75.
    const data = records([0, 0.755, 0.8], [0, 0.755, 0.8]);
    assert.equal(grokTimes(data, relative).tTrain, 2);
    assert.equal(grokTimes(data, { mode: 'absolute', margin: 0.05 }).tTrain, 1);
  });
});
