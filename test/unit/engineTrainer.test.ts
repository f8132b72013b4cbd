import assert from 'node:assert/strict';
import { buildModularAddition } from '../../src/engine/data/modularAddition';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { mlpParameterCount } from '../../src/engine/model/mlp';
import { Evaluator, type Classifier } from '../../src/engine/train/evaluate';
import { checkpointDue } from '../../src/engine/train/schedule';
import { ModularAdditionTrainer } from '../../src/engine/train/trainer';
import { defaultConfig } from '../../src/shared/config/defaults';
import type { GrokConfig } from '../../src/shared/config/types';
import { runTrainer, withoutTime } from './helpers/trainerRuns';

const kernels = new TypeScriptKernels();

/** Builds the modular-addition settings of Manning-Coe et al. 2025 (arXiv 2502.01739), with overrides. */
function config(overrides: Partial<GrokConfig> = {}): GrokConfig {
  return defaultConfig({ w0: 1, epochs: 3, ...overrides });
}

const small = (overrides: Partial<GrokConfig> = {}): GrokConfig => config({ p: 23, hiddenLayers: [32], batchSize: 16, ...overrides });

/** Returns a clock that advances one second per reading, so records are byte-identical between runs. */
function fakeClock(): () => number {
  let t = 0;
  return () => t++;
}

describe('ModularAdditionTrainer', () => {
  it('has 174,193 parameters for 226-512-113', () => {
    const trainer = new ModularAdditionTrainer(config({ epochs: 1 }), kernels);
    assert.equal(trainer.parameterCount, 174_193);
    assert.equal(mlpParameterCount({ inputs: 226, hidden: [512], outputs: 113, inputWidth: 2 }), 116_224 + 57_969);
    assert.deepEqual(trainer.tensors, [
      { name: 'W1', shape: [226, 512] },
      { name: 'b1', shape: [512] },
      { name: 'W2', shape: [512, 113] },
      { name: 'b2', shape: [113] },
    ]);
  });

  it('initialises Xavier-normal weights scaled by w0 and zero biases', () => {
    const w0 = 3;
    const trainer = new ModularAdditionTrainer(config({ w0, epochs: 1 }), kernels);
    const { checkpoints } = runTrainer(trainer, { shouldStop: () => true });
    const params = checkpoints[0].params;
    const w1 = params.subarray(0, 226 * 512);
    const b1 = params.subarray(226 * 512, 226 * 512 + 512);
    let sumSq = 0;
    for (const x of w1) sumSq += x * x;
    const expectedStd = w0 * Math.sqrt(2 / (226 + 512));
    // The sample std of 115,712 normals is within 1% of σ with overwhelming probability (its sd is σ/√(2n) ≈ 0.2%).
    assert.ok(Math.abs(Math.sqrt(sumSq / w1.length) / expectedStd - 1) < 0.01, `std ${Math.sqrt(sumSq / w1.length)} vs ${expectedStd}`);
    assert.ok(b1.every((x) => x === 0));
  });

  it('initialises pytorch-default uniformly within ±w0/√fan_in, biases included', () => {
    const w0 = 2;
    const trainer = new ModularAdditionTrainer(small({ w0, init: 'pytorch-default', epochs: 1 }), kernels);
    const { checkpoints } = runTrainer(trainer, { shouldStop: () => true });
    const params = checkpoints[0].params;
    const bound1 = w0 / Math.sqrt(46);
    const bound2 = w0 / Math.sqrt(32);
    const end1 = 46 * 32 + 32;
    for (let i = 0; i < end1; i++) assert.ok(Math.abs(params[i]) <= bound1, `θ[${i}] = ${params[i]}`);
    for (let i = end1; i < params.length; i++) assert.ok(Math.abs(params[i]) <= bound2, `θ[${i}] = ${params[i]}`);
    const b1 = params.subarray(46 * 32, end1);
    assert.ok(b1.some((x) => x !== 0));
    assert.ok(Math.max(...params.subarray(0, 46 * 32).map(Math.abs)) > 0.9 * bound1);
  });

  it('reports epochs and checkpoints', () => {
    // Epoch 0 and every trained epoch are reported; checkpoints follow checkpointDue plus the last epoch.
    const trainer = new ModularAdditionTrainer(small({ epochs: 5 }), kernels);
    const { records, checkpoints, result } = runTrainer(trainer, { checkpointDue: (e) => e === 2 });
    assert.deepEqual(records.map((r) => r.epoch), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(checkpoints.map((c) => c.epoch), [0, 2, 5]);
    assert.deepEqual(result, { lastEpoch: 5, reason: 'finished' });
    // 370 training examples at batch 16 take 24 steps per epoch.
    assert.deepEqual(checkpoints.map((c) => c.step), [0, 48, 120]);
    const r = records[5];
    assert.equal(r.layerNorms.length, 2);
    assert.ok(Math.abs(Math.hypot(...r.layerNorms) - r.weightNorm) < 1e-9 * r.weightNorm);
    assert.ok(Math.abs(Math.hypot(...checkpoints[2].params) - r.weightNorm) < 1e-6 * r.weightNorm);
  });

  it('weights the epoch train loss by batch size', () => {
    // With lr 0 the parameters never move, so the epoch's batch losses must average to the full-pass loss
    // of epoch 0. An unweighted mean of batch means would over-weight the last batch of 50 of 370.
    const trainer = new ModularAdditionTrainer(small({ learningRate: 0, weightDecay: 0, batchSize: 64, epochs: 1 }), kernels);
    const { records } = runTrainer(trainer);
    assert.equal(records[1].trainAccuracy, records[0].trainAccuracy);
    assert.ok(Math.abs(records[1].trainLoss - records[0].trainLoss) < 1e-12 * records[0].trainLoss);
    assert.equal(records[1].testLoss, records[0].testLoss);
  });

  it('learns the training set of P = 23', () => {
    // Measured: train loss 3.149 at epoch 0 and 0.087 at epoch 30 (a factor of 36), train accuracy 1.
    const trainer = new ModularAdditionTrainer(config({ p: 23, hiddenLayers: [128], batchSize: 16, epochs: 30 }), kernels);
    const { records } = runTrainer(trainer);
    const first = records[0];
    const last = records[records.length - 1];
    assert.ok(Math.abs(first.trainLoss - Math.log(23)) < 0.2, `initial loss ${first.trainLoss} is near ln 23`);
    assert.ok(last.trainLoss < first.trainLoss / 20, `train loss ${first.trainLoss} → ${last.trainLoss}`);
    assert.equal(last.trainAccuracy, 1);
    assert.ok(records.every((r) => Number.isFinite(r.testLoss)));
  });

  it('trains with a float32 loss reduction', () => {
    const a = runTrainer(new ModularAdditionTrainer(small({ epochs: 2 }), kernels)).records;
    const b = runTrainer(new ModularAdditionTrainer(small({ epochs: 2, lossPrecision: 'float32' }), kernels)).records;
    assert.ok(Math.abs(a[2].trainLoss - b[2].trainLoss) < 1e-4 * a[2].trainLoss);
    assert.notEqual(a[2].trainLoss, b[2].trainLoss);
  });

  describe('seeds', () => {
    const run = (overrides: Partial<GrokConfig>) => {
      const trainer = new ModularAdditionTrainer(config({ p: 31, hiddenLayers: [64], epochs: 3, ...overrides }), kernels, { clock: fakeClock() });
      return { trainer, json: runTrainer(trainer).records.map((r) => JSON.stringify(r)).join('\n') };
    };

    it('repeats seed 0 exactly', () => {
      const a = run({ seed: 0 });
      const b = run({ seed: 0 });
      assert.equal(a.trainer.trainSplitHash, b.trainer.trainSplitHash);
      assert.equal(a.trainer.initHash, b.trainer.initHash);
      assert.equal(a.json, b.json);
    });

    it('changes split, init and metrics for seed 1', () => {
      const a = run({ seed: 0 });
      const b = run({ seed: 1 });
      assert.notEqual(a.trainer.trainSplitHash, b.trainer.trainSplitHash);
      assert.notEqual(a.trainer.initHash, b.trainer.initHash);
      assert.notEqual(a.json, b.json);
    });

    it('keeps the split when only initSeed changes', () => {
      const a = run({ seed: 0 });
      const b = run({ seed: 0, initSeed: 1 });
      assert.equal(a.trainer.trainSplitHash, b.trainer.trainSplitHash);
      assert.notEqual(a.trainer.initHash, b.trainer.initHash);
    });

    it('keeps the initial parameters when only dataSeed changes', () => {
      const a = run({ seed: 0 });
      const b = run({ seed: 0, dataSeed: 1 });
      assert.notEqual(a.trainer.trainSplitHash, b.trainer.trainSplitHash);
      assert.equal(a.trainer.initHash, b.trainer.initHash);
    });

    it('uses orderSeed only when reshuffling', () => {
      const fixedA = run({ seed: 0, orderSeed: 5 });
      const fixedB = run({ seed: 0, orderSeed: 6 });
      assert.equal(fixedA.json, fixedB.json);
      const shuffledA = run({ seed: 0, orderSeed: 5, batchOrder: 'reshuffle' });
      const shuffledB = run({ seed: 0, orderSeed: 6, batchOrder: 'reshuffle' });
      assert.notEqual(shuffledA.json, shuffledB.json);
      assert.notEqual(shuffledA.json, fixedA.json);
    });
  });

  describe('resume', () => {
    for (const batchOrder of ['fixed', 'reshuffle'] as const) {
      it(`continues bit-identically after restore (${batchOrder})`, () => {
        const straight = runTrainer(new ModularAdditionTrainer(small({ epochs: 4, batchOrder }), kernels), { checkpointDue: () => true });

        const first = runTrainer(new ModularAdditionTrainer(small({ epochs: 2, batchOrder }), kernels), { checkpointDue: () => true });
        const saved = first.checkpoints[first.checkpoints.length - 1];
        assert.equal(saved.epoch, 2);
        const resumed = new ModularAdditionTrainer(small({ epochs: 4, batchOrder }), kernels);
        resumed.restore(saved);
        const second = runTrainer(resumed, { checkpointDue: () => true });

        assert.deepEqual(withoutTime([...first.records, ...second.records]), withoutTime(straight.records));
        const end = straight.checkpoints[straight.checkpoints.length - 1];
        const endResumed = second.checkpoints[second.checkpoints.length - 1];
        assert.equal(endResumed.step, end.step);
        assert.deepEqual(endResumed.params, end.params);
        assert.deepEqual(endResumed.m, end.m);
        assert.deepEqual(endResumed.v, end.v);
      });
    }

    it('stops between steps and resumes from the last checkpoint', () => {
      const straight = runTrainer(new ModularAdditionTrainer(small({ epochs: 4 }), kernels));

      const trainer = new ModularAdditionTrainer(small({ epochs: 4 }), kernels);
      let polls = 0;
      // 24 steps per epoch: stop at the 10th step of epoch 3.
      const stopped = runTrainer(trainer, { shouldStop: () => ++polls > 57, checkpointDue: () => true });
      assert.deepEqual(stopped.result, { lastEpoch: 2, reason: 'stopped' });
      assert.deepEqual(stopped.records.map((r) => r.epoch), [0, 1, 2]);
      assert.throws(() => runTrainer(trainer), /restore a checkpoint/);

      trainer.restore(stopped.checkpoints[stopped.checkpoints.length - 1]);
      const rest = runTrainer(trainer);
      assert.deepEqual(rest.result, { lastEpoch: 4, reason: 'finished' });
      assert.deepEqual(withoutTime([...stopped.records, ...rest.records]), withoutTime(straight.records));
    });

    it('adds elapsed time across resumes', () => {
      const trainer = new ModularAdditionTrainer(small({ epochs: 2 }), kernels, { clock: fakeClock() });
      trainer.restore({ ...runTrainer(new ModularAdditionTrainer(small({ epochs: 1 }), kernels)).checkpoints[1], elapsedSeconds: 1000 });
      const { records } = runTrainer(trainer);
      assert.deepEqual(records.map((r) => r.epoch), [2]);
      assert.ok(records[0].elapsedSeconds > 1000);
    });

    it('rejects a checkpoint of another size', () => {
      const trainer = new ModularAdditionTrainer(small(), kernels);
      const n = trainer.parameterCount;
      const bad = { epoch: 1, step: 24, params: new Float32Array(n + 1), m: new Float32Array(n), v: new Float32Array(n), elapsedSeconds: 0 };
      assert.throws(() => trainer.restore(bad), /checkpoint params has/);
    });
  });
});

describe('evaluation with batches of unequal size', () => {
  const p = 113;
  const data = buildModularAddition(p, 0.7, 0);
  const confident = 2;

  /** Predicts the target (with logit `confident`, 0 elsewhere) except for the last `wrongCount` items of `pairs`. */
  function stub(pairs: Int32Array, wrongCount: number): Classifier {
    const wrong = new Set(pairs.subarray(pairs.length - wrongCount));
    const logits = new Float32Array(pairs.length * p);
    return {
      classes: p,
      inputWidth: 2,
      forward(index, rows) {
        logits.fill(0, 0, rows * p);
        for (let r = 0; r < rows; r++) {
          const a = index[2 * r];
          const b = index[2 * r + 1] - p;
          const target = (a + b) % p;
          logits[r * p + (wrong.has(a * p + b) ? (target + 1) % p : target)] = confident;
        }
        return logits;
      },
    };
  }

  // Loss of a row with logit c on one class and 0 on the other 112: log(e^c + 112) − (c or 0).
  const lossRight = Math.log(Math.exp(confident) + 112) - confident;
  const lossWrong = Math.log(Math.exp(confident) + 112);

  for (const batchRows of [1, 64, 1024, 3831]) {
    it(`gives 3776/3831 on the test set at batch ${batchRows}`, () => {
      const result = new Evaluator(kernels, stub(data.testPairs, 55), batchRows).evaluate(data.testInputs, data.testTargets, 3831, true);
      assert.equal(result.accuracy, 3776 / 3831);
      assert.ok(Math.abs(result.accuracy - 0.9856434) < 1e-7);
      const expectedLoss = (3776 * lossRight + 55 * lossWrong) / 3831;
      assert.ok(Math.abs(result.loss - expectedLoss) < 1e-12 * expectedLoss, `${result.loss} vs ${expectedLoss}`);
    });
  }

  it('gives 8896/8938 on the training set at batch 64', () => {
    const result = new Evaluator(kernels, stub(data.trainPairs, 42), 64).evaluate(data.trainInputs, data.trainTargets, 8938, true);
    assert.equal(result.accuracy, 8896 / 8938);
    const expectedLoss = (8896 * lossRight + 42 * lossWrong) / 8938;
    assert.ok(Math.abs(result.loss - expectedLoss) < 1e-12 * expectedLoss);
  });

  it('gives the same trainer test metrics for any evaluation batch', () => {
    const records = [1, 64, 4000].map((evalBatchRows) =>
      runTrainer(new ModularAdditionTrainer(small({ epochs: 1 }), kernels, { evalBatchRows })).records[1]);
    for (const r of records.slice(1)) {
      assert.equal(r.testAccuracy, records[0].testAccuracy);
      assert.ok(Math.abs(r.testLoss - records[0].testLoss) < 1e-12 * records[0].testLoss);
    }
  });
});

describe('checkpointDue', () => {
  const schedule = { everyEpochUntil: 500, thenEvery: 10 };

  it('saves every epoch up to 500, then every 10, and the last', () => {
    const due = (e: number) => checkpointDue(schedule, e, 1003);
    assert.ok([0, 1, 2, 499, 500, 510, 520, 1000, 1003].every(due));
    assert.ok(![501, 505, 509, 511, 1001, 1002].some(due));
  });

  it('counts the later interval from everyEpochUntil', () => {
    const due = (e: number) => checkpointDue({ everyEpochUntil: 5, thenEvery: 10 }, e, 100);
    assert.ok(due(15));
    assert.ok(due(25));
    assert.ok(!due(10));
    assert.ok(!due(20));
  });
});
