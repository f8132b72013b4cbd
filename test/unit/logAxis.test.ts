import * as assert from 'node:assert/strict';
import {
  FALLBACK_LOSS_FLOOR,
  ZERO_LOSS_LABEL,
  epochToX,
  formatEpochTick,
  formatLogTick,
  formatLoss,
  logEpochTicks,
  logFloor,
  minPositive,
  plotPoint,
  xToEpoch,
} from '../../src/webview/logAxis';

// Epoch 0 is the initial parameters, loss 0 is float32 softmax collapse, and accuracy starts at 0.
const EPOCHS = [0, 1, 2, 3];
const TRAIN_LOSS = [4.73, 4.7, 0, 1e-9];
const TEST_ACCURACY = [0, 0.01, 0.5, 1];

describe('log axis mapping of epoch 0 and zero loss', () => {
  it('draws all 4 loss points on log x and log y', () => {
    const floor = logFloor(minPositive(TRAIN_LOSS));
    const points = EPOCHS.map((epoch, i) => plotPoint(epoch, TRAIN_LOSS[i], true, floor));
    assert.equal(points.length, 4);
    assert.deepEqual(
      points.map((p) => p.x),
      [1, 2, 3, 4],
    );
    assert.deepEqual(
      points.map((p) => p.epoch),
      EPOCHS,
    );
    assert.deepEqual(
      points.map((p) => p.y),
      [4.73, 4.7, 1e-10, 1e-9],
    );
    assert.deepEqual(
      points.map((p) => p.atFloor),
      [false, false, true, false],
    );
    assert.equal(points[2].value, 0, 'the tooltip must see the true value');
  });

  it('draws all 4 points on linear axes', () => {
    const loss = EPOCHS.map((epoch, i) => plotPoint(epoch, TRAIN_LOSS[i], false, null));
    const accuracy = EPOCHS.map((epoch, i) => plotPoint(epoch, TEST_ACCURACY[i], false, null));
    assert.deepEqual(
      loss.map((p) => [p.x, p.y, p.atFloor]),
      [
        [0, 4.73, false],
        [1, 4.7, false],
        [2, 0, false],
        [3, 1e-9, false],
      ],
    );
    assert.deepEqual(
      accuracy.map((p) => [p.x, p.y]),
      [
        [0, 0],
        [1, 0.01],
        [2, 0.5],
        [3, 1],
      ],
    );
  });

  it('keeps accuracy 0 at epoch 0 on log x', () => {
    const accuracy = EPOCHS.map((epoch, i) => plotPoint(epoch, TEST_ACCURACY[i], true, null));
    assert.deepEqual(
      accuracy.map((p) => [p.x, p.y]),
      [
        [1, 0],
        [2, 0.01],
        [3, 0.5],
        [4, 1],
      ],
    );
  });

  it('puts the floor one decade below the smallest positive', () => {
    assert.equal(minPositive(TRAIN_LOSS), 1e-9);
    assert.equal(logFloor(1e-9), 1e-10);
    assert.equal(logFloor(3e-5), 3e-6);
    assert.equal(logFloor(null), FALLBACK_LOSS_FLOOR);
    assert.equal(minPositive([0, -1, NaN, Infinity, 2, 0.5]), 0.5);
    assert.equal(minPositive([0, 0]), null);
    assert.equal(minPositive([0.2], 0.1), 0.1, 'a running minimum keeps its start when nothing is smaller');
  });

  it('leaves a gap for non-finite values', () => {
    const point = plotPoint(5, NaN, true, 1e-3);
    assert.equal(point.y, null);
    assert.equal(point.atFloor, false);
  });

  it('maps x back to the true epoch', () => {
    for (const epoch of [0, 1, 99, 12345]) {
      assert.equal(xToEpoch(epochToX(epoch, true), true), epoch);
      assert.equal(xToEpoch(epochToX(epoch, false), false), epoch);
    }
  });
});

describe('log epoch ticks and labels', () => {
  it('ticks epoch 0 and 1-2-5 steps', () => {
    assert.deepEqual(logEpochTicks(0, 3), [0, 1, 2]);
    assert.deepEqual(logEpochTicks(0, 100), [0, 1, 2, 5, 10, 20, 50, 100]);
    assert.deepEqual(logEpochTicks(3, 60), [5, 10, 20, 50]);
  });

  it('ticks only powers of ten over many decades', () => {
    assert.deepEqual(logEpochTicks(0, 20000), [0, 1, 10, 100, 1000, 10000]);
  });

  it('labels log y ticks at 1-2-5 or at powers of ten', () => {
    assert.deepEqual(
      [1e-10, 1e-9, 0.001, 0.002, 0.003, 0.05, 1, 2, 10, 5000, 20000].map((v) => formatLogTick(v, 2)),
      ['1e-10', '1e-9', '0.001', '0.002', '', '0.05', '1', '2', '10', '5000', '2e4'],
    );
    assert.deepEqual(
      [1e-10, 2e-10, 0.1, 0.5, 1, 10].map((v) => formatLogTick(v, 10)),
      ['1e-10', '', '0.1', '', '1', '10'],
    );
    assert.equal(formatLogTick(0, 2), '');
  });

  it('formats ticks and losses', () => {
    assert.deepEqual(
      [0, 5, 200, 1000, 1500, 20000, 1e6, 1234].map(formatEpochTick),
      ['0', '5', '200', '1k', '1.5k', '20k', '1M', '1234'],
    );
    assert.equal(formatLoss(0), ZERO_LOSS_LABEL);
    assert.equal(formatLoss(4.73), '4.730');
    assert.equal(formatLoss(1e-9), '1.000e-9');
  });
});
