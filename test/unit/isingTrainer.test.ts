import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrGenerateIsing } from '../../src/engine/data/ising/cache';
import type { IsingDataset } from '../../src/engine/data/ising/dataset';
import { splitIsing } from '../../src/engine/data/ising/split';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { train } from '../../src/engine/run/session';
import { listCheckpoints } from '../../src/engine/store/checkpoints';
import { createTrainer, defaultIsingCacheDir } from '../../src/engine/train/create';
import { isingInputs, isingParamsFromConfig } from '../../src/engine/train/isingTask';
import { IsingTrainer, ModularAdditionTrainer } from '../../src/engine/train/trainer';
import { defaultConfig } from '../../src/shared/config/defaults';
import type { GrokConfig } from '../../src/shared/config/types';
import { runTrainer, withoutTime } from './helpers/trainerRuns';

const kernels = new TypeScriptKernels();

/**
 * Builds a tiny Ising config: L = 8, 4 temperatures × 30 snapshots after 10 sweeps, 60 training and 40 test snapshots,
 * full batch, no weight decay, lr 1e-3.
 */
function config(overrides: Partial<GrokConfig> = {}): GrokConfig {
  return defaultConfig({
    task: 'ising', lattice: 8, temperatureCount: 4, samplesPerTemperature: 30, sweeps: 10,
    trainSize: 60, testSize: 40, batchSize: 60, learningRate: 1e-3, weightDecay: 0, w0: 1, epochs: 3, seed: 0,
    ...overrides,
  });
}

describe('IsingTrainer', () => {
  let cacheDir: string;
  const datasets = new Map<number, IsingDataset>();
  /** Returns the dataset of data seed `seed`, generating it once into the temporary cache. */
  const dataset = async (seed = 0): Promise<IsingDataset> => {
    let found = datasets.get(seed);
    if (!found) {
      found = await loadOrGenerateIsing(isingParamsFromConfig(config({ seed })), { cacheDir, workers: 0 });
      datasets.set(seed, found);
    }
    return found;
  };

  before(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-ising-trainer-'));
  });

  after(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('builds the CNN for L = 8 with the paper channels', async () => {
    const trainer = new IsingTrainer(config({ convChannels: [2, 4], hiddenLayers: [100] }), kernels, await dataset());
    // conv1 20, conv2 76, fc1 (4·2·2)·100 + 100 = 1700, fc2 202.
    assert.equal(trainer.parameterCount, 20 + 76 + 1700 + 202);
    assert.deepEqual(trainer.tensors.map((t) => t.name), ['conv1.W', 'conv1.b', 'conv2.W', 'conv2.b', 'fc1.W', 'fc1.b', 'fc2.W', 'fc2.b']);
  });

  it('learns the training set in 300 full-batch epochs', async () => {
    // Measured for seeds 0, 1, 2: train loss 0.687, 0.704, 0.694 at epoch 0 and about 0.0025 at epoch 300
    // (factors 271, 296, 266), train accuracy 1.
    const trainer = new IsingTrainer(config({ epochs: 300 }), kernels, await dataset());
    const { records } = runTrainer(trainer);
    const first = records[0];
    const last = records[300];
    assert.ok(Math.abs(first.trainLoss - Math.log(2)) < 0.05, `initial loss ${first.trainLoss} is near ln 2`);
    assert.ok(last.trainLoss < first.trainLoss / 50, `train loss ${first.trainLoss} → ${last.trainLoss}`);
    assert.equal(last.trainAccuracy, 1);
    assert.ok(records.every((r) => Number.isFinite(r.testLoss) && r.layerNorms.length === 4));
  });

  it('weights the epoch train loss by batch size', async () => {
    // lr 0: batches of 25, 25 and 10 must average to the full-pass loss of epoch 0.
    const trainer = new IsingTrainer(config({ learningRate: 0, batchSize: 25, epochs: 1 }), kernels, await dataset());
    const { records, checkpoints } = runTrainer(trainer);
    assert.equal(records[1].trainAccuracy, records[0].trainAccuracy);
    assert.ok(Math.abs(records[1].trainLoss - records[0].trainLoss) < 1e-12 * records[0].trainLoss);
    assert.equal(checkpoints[1].step, 3);
  });

  it('evaluates the test set the same for any evaluation batch', async () => {
    const data = await dataset();
    const records = [1, 7, 1000].map((evalBatchRows) => runTrainer(new IsingTrainer(config({ epochs: 1 }), kernels, data, { evalBatchRows })).records[1]);
    for (const r of records.slice(1)) {
      assert.equal(r.testAccuracy, records[0].testAccuracy);
      assert.ok(Math.abs(r.testLoss - records[0].testLoss) < 1e-12 * records[0].testLoss);
    }
  });

  it('reports total and per-layer weight norms', async () => {
    const { records, checkpoints } = runTrainer(new IsingTrainer(config({ epochs: 2 }), kernels, await dataset()));
    const r = records[2];
    const params = checkpoints[checkpoints.length - 1].params;
    // Layer ranges of channels [2, 4], hidden [100] at L = 8: conv1 [0, 20), conv2 [20, 96), fc1 [96, 1796), fc2 [1796, 1998).
    const bounds = [0, 20, 96, 1796, 1998];
    for (let l = 0; l < 4; l++) {
      const norm = Math.hypot(...params.subarray(bounds[l], bounds[l + 1]));
      assert.ok(Math.abs(r.layerNorms[l] - norm) < 1e-6 * norm, `layer ${l}: ${r.layerNorms[l]} vs ${norm}`);
    }
    assert.ok(Math.abs(Math.hypot(...r.layerNorms) - r.weightNorm) < 1e-9 * r.weightNorm);
  });

  it('trains on the snapshots that splitIsing draws, as ±1 floats', async () => {
    const data = await dataset();
    const split = splitIsing(data.count, 0, 40, 60);
    const inputs = new Float32Array(60 * 64);
    const labels = isingInputs(data, split.train, inputs);
    assert.ok(inputs.every((s) => s === 1 || s === -1));
    assert.deepEqual(Array.from(inputs.subarray(64, 128)), Array.from(data.spins.subarray(split.train[1] * 64, split.train[1] * 64 + 64)));
    assert.equal(labels[1], data.label[split.train[1]]);
    // Temperatures below T_c are class 0 (ordered); the 4 temperatures split evenly, so both classes occur.
    assert.ok(labels.includes(0));
    assert.ok(labels.includes(1));
  });

  describe('seeds', () => {
    it('repeats seed 0 and changes split and init with seed 1', async () => {
      const a = new IsingTrainer(config(), kernels, await dataset(0));
      const b = new IsingTrainer(config(), kernels, await dataset(0));
      const c = new IsingTrainer(config({ seed: 1 }), kernels, await dataset(1));
      assert.equal(a.trainSplitHash, b.trainSplitHash);
      assert.equal(a.initHash, b.initHash);
      assert.notEqual(a.trainSplitHash, c.trainSplitHash);
      assert.notEqual(a.initHash, c.initHash);
    });

    it('keeps the split when only initSeed changes', async () => {
      const a = new IsingTrainer(config(), kernels, await dataset(0));
      const b = new IsingTrainer(config({ initSeed: 1 }), kernels, await dataset(0));
      assert.equal(a.trainSplitHash, b.trainSplitHash);
      assert.notEqual(a.initHash, b.initHash);
    });
  });

  describe('resume', () => {
    for (const batchOrder of ['fixed', 'reshuffle'] as const) {
      it(`continues bit-identically after restore (${batchOrder}, batches of 25)`, async () => {
        const data = await dataset();
        const c = (epochs: number) => config({ epochs, batchOrder, batchSize: 25 });
        const straight = runTrainer(new IsingTrainer(c(5), kernels, data), { checkpointDue: () => true });

        const first = runTrainer(new IsingTrainer(c(2), kernels, data), { checkpointDue: () => true });
        const resumed = new IsingTrainer(c(5), kernels, data);
        resumed.restore(first.checkpoints[first.checkpoints.length - 1]);
        const second = runTrainer(resumed, { checkpointDue: () => true });

        assert.deepEqual(withoutTime([...first.records, ...second.records]), withoutTime(straight.records));
        const end = straight.checkpoints[straight.checkpoints.length - 1];
        const endResumed = second.checkpoints[second.checkpoints.length - 1];
        assert.equal(endResumed.step, 15);
        assert.deepEqual(endResumed.params, end.params);
        assert.deepEqual(endResumed.m, end.m);
        assert.deepEqual(endResumed.v, end.v);
      });
    }

    it('stops inside an epoch and resumes from the last checkpoint', async () => {
      const data = await dataset();
      const c = config({ epochs: 4, batchSize: 25 });
      const straight = runTrainer(new IsingTrainer(c, kernels, data));

      const trainer = new IsingTrainer(c, kernels, data);
      let polls = 0;
      // 3 steps per epoch: the 8th poll is the 2nd step of epoch 3.
      const stopped = runTrainer(trainer, { shouldStop: () => ++polls >= 8, checkpointDue: () => true });
      assert.deepEqual(stopped.result, { lastEpoch: 2, reason: 'stopped' });
      assert.throws(() => runTrainer(trainer), /restore a checkpoint/);

      trainer.restore(stopped.checkpoints[stopped.checkpoints.length - 1]);
      const rest = runTrainer(trainer);
      assert.deepEqual(rest.result, { lastEpoch: 4, reason: 'finished' });
      assert.deepEqual(withoutTime([...stopped.records, ...rest.records]), withoutTime(straight.records));
    });
  });

  it('rejects a dataset of another lattice size', async () => {
    const data = await dataset();
    assert.throws(() => new IsingTrainer(config({ lattice: 16 }), kernels, data), /lattice side 8, but the config asks for 16/);
  });
});

describe('createTrainer', () => {
  let cacheDir: string;

  beforeEach(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-create-trainer-'));
  });

  afterEach(() => {
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  it('generates the Ising dataset once, then loads it from the cache', async () => {
    const lines: string[] = [];
    const progress: number[] = [];
    const options = { cacheDir, workers: 0, log: (line: string) => lines.push(line), onProgress: (done: number) => progress.push(done) };
    const a = await createTrainer(config(), kernels, options);
    const b = await createTrainer(config(), kernels, options);
    assert.ok(a instanceof IsingTrainer);
    assert.equal(lines.filter((l) => l.startsWith('Ising dataset generated')).length, 1);
    assert.equal(lines.filter((l) => l.startsWith('Ising dataset loaded')).length, 1);
    assert.equal(progress[progress.length - 1], 120);
    assert.equal(fs.readdirSync(cacheDir).length, 1);
    assert.equal(a.trainSplitHash, b.trainSplitHash);
    assert.deepEqual(withoutTime(runTrainer(a).records), withoutTime(runTrainer(b).records));
  });

  it('builds the modular-addition trainer without touching the cache', async () => {
    const trainer = await createTrainer(defaultConfig({ p: 11, hiddenLayers: [8], epochs: 1 }), kernels, { cacheDir });
    assert.ok(trainer instanceof ModularAdditionTrainer);
    assert.equal(trainer.parameterCount, 22 * 8 + 8 + 8 * 11 + 11);
    assert.deepEqual(fs.readdirSync(cacheDir), []);
  });

  it('puts the default cache under GROKKING_INSPECTOR_CACHE or ~/.cache', () => {
    assert.equal(defaultIsingCacheDir({ GROKKING_INSPECTOR_CACHE: '/data/gi' }), path.join('/data/gi', 'ising'));
    assert.equal(defaultIsingCacheDir({}), path.join(os.homedir(), '.cache', 'grokking-inspector', 'ising'));
  });

  it('trains an Ising run folder through the session', async () => {
    const saved = process.env.GROKKING_INSPECTOR_CACHE;
    process.env.GROKKING_INSPECTOR_CACHE = cacheDir;
    try {
      const lines: string[] = [];
      const c = config({ epochs: 4, checkpoints: { everyEpochUntil: 0, thenEvery: 2 } });
      const outcome = await train({ config: c, runsRoot: path.join(cacheDir, 'runs'), kernels: 'typescript', log: (l) => lines.push(l) });
      assert.equal(outcome.status.state, 'finished');
      assert.deepEqual(listCheckpoints(outcome.runDir), [0, 2, 4]);
      assert.ok(fs.existsSync(path.join(cacheDir, 'ising')));
      assert.ok(lines.some((l) => l.startsWith('Ising dataset generated')), lines.join('\n'));

      const resumed = await train({ resumeDir: outcome.runDir, epochs: 6, kernels: 'typescript', log: (l) => lines.push(l) });
      assert.equal(resumed.summary.epochs, 6);
      assert.ok(lines.some((l) => l.startsWith('Ising dataset loaded')));
    } finally {
      if (saved === undefined) delete process.env.GROKKING_INSPECTOR_CACHE;
      else process.env.GROKKING_INSPECTOR_CACHE = saved;
    }
  });
});
