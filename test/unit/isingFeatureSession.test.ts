import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadOrGenerateIsing } from '../../src/engine/data/ising/cache';
import type { IsingDataset } from '../../src/engine/data/ising/dataset';
import { splitIsing } from '../../src/engine/data/ising/split';
import { TypeScriptKernels } from '../../src/engine/kernels/typescript';
import { TypeScriptConvKernels } from '../../src/engine/kernels/typescriptConv';
import { Cnn } from '../../src/engine/model/cnn';
import { IsingFeatureRecorder } from '../../src/engine/run/isingFeatureRecorder';
import { train } from '../../src/engine/run/session';
import { listCheckpoints, readCheckpointParams, readResumeState } from '../../src/engine/store/checkpoints';
import { readFeatures, readSamples, readScatter } from '../../src/engine/store/features';
import { readMetricsFile } from '../../src/engine/store/metricsLog';
import { isingInputs, isingParamsFromConfig } from '../../src/engine/train/isingTask';
import { checkpointDue } from '../../src/engine/train/schedule';
import { IsingTrainer, type TrainingState } from '../../src/engine/train/trainer';
import { defaultConfig } from '../../src/shared/config/defaults';
import type { GrokConfig } from '../../src/shared/config/types';
import type { EpochRecord } from '../../src/shared/metrics';

const kernels = new TypeScriptKernels();

/** Builds a tiny Ising config: L = 8, 4 temperatures × 30 snapshots, 60 training and 40 test snapshots, lr 1e-3. */
function config(overrides: Partial<GrokConfig> = {}): GrokConfig {
  return defaultConfig({
    task: 'ising', lattice: 8, temperatureCount: 4, samplesPerTemperature: 30, sweeps: 10,
    trainSize: 60, testSize: 40, batchSize: 60, learningRate: 1e-3, weightDecay: 0, w0: 1, epochs: 6, seed: 0,
    checkpoints: { everyEpochUntil: 0, thenEvery: 2 },
    ...overrides,
  });
}

function withoutTime(records: EpochRecord[]) {
  return records.map(({ elapsedSeconds: _ignored, ...rest }) => rest);
}

/** Returns Pearson r as Σ dx·dy / √(Σ dx² · Σ dy²), written out again so the test does not reuse the analysis code. */
function referencePearson(x: number[], y: number[]): number {
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  x.forEach((xi, i) => {
    sxy += (xi - mx) * (y[i] - my);
    sxx += (xi - mx) ** 2;
    syy += (y[i] - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

describe('Ising feature analysis in a run', () => {
  let root: string;
  let savedCache: string | undefined;
  let dataset: IsingDataset;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-ising-features-'));
    savedCache = process.env.GROKKING_INSPECTOR_CACHE;
    process.env.GROKKING_INSPECTOR_CACHE = path.join(root, 'cache');
    dataset = await loadOrGenerateIsing(isingParamsFromConfig(config()), { cacheDir: path.join(root, 'cache', 'ising'), workers: 0 });
  });

  after(() => {
    if (savedCache === undefined) delete process.env.GROKKING_INSPECTOR_CACHE;
    else process.env.GROKKING_INSPECTOR_CACHE = savedCache;
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes one record and one scatter per checkpoint', async () => {
    const outcome = await train({ config: config(), runsRoot: path.join(root, 'runs-a'), kernels: 'typescript' });
    const dir = outcome.runDir;
    const read = readFeatures(dir);
    assert.equal(read.dropped, 0);
    assert.deepEqual(read.records.map((r) => r.epoch), listCheckpoints(dir));
    assert.deepEqual(listCheckpoints(dir), [0, 2, 4, 6]);

    const last = read.records[read.records.length - 1];
    // conv1 2·8², conv2 4·4², fc1 100 at L = 8.
    assert.deepEqual([last.layers.conv1.units, last.layers.conv2.units, last.layers.fc1.units], [128, 64, 100]);
    assert.equal(last.fc1.rE.length, 100);

    // Recompute epoch 6 in float64 from the checkpoint file, with its own forward pass over all 40 test snapshots.
    const shape = { lattice: 8, channels: [2, 4], hidden: [100], classes: 2 };
    const model = new Cnn(kernels, new TypeScriptConvKernels(), shape, 40, (n) => new Float64Array(n));
    model.params.set(readCheckpointParams(dir, 6));
    const test = splitIsing(dataset.count, 0, 40, 60).test;
    const inputs = new Float64Array(40 * 64);
    isingInputs(dataset, test, inputs);
    model.forward(inputs, 40);
    const fc1 = model.preactivations(40).find((p) => p.name === 'fc1')!.values;
    const column = (k: number) => Array.from({ length: 40 }, (_, i) => fc1[i * 100 + k]);
    const energy = Array.from(test, (i) => dataset.energy[i]);
    const absM = Array.from(test, (i) => Math.abs(dataset.magnetisation[i]));

    const meanAbs = Array.from({ length: 100 }, (_, k) => column(k).reduce((s, z) => s + Math.abs(z), 0) / 40);
    assert.equal(last.fc1.topUnit, meanAbs.indexOf(Math.max(...meanAbs)));
    for (const k of [0, 17, 99, last.fc1.topUnit]) {
      const rE = last.fc1.rE[k];
      const rAbsM = last.fc1.rAbsM[k];
      assert.notEqual(rE, null, `unit ${k}: r_E`);
      assert.notEqual(rAbsM, null, `unit ${k}: r_|M|`);
      assert.ok(Math.abs(rE! - referencePearson(column(k), energy)) < 1e-4, `unit ${k}: r_E ${rE}`);
      assert.ok(Math.abs(rAbsM! - referencePearson(column(k), absM)) < 1e-4, `unit ${k}: r_|M| ${rAbsM}`);
    }

    const scatter = readScatter(dir, 6)!;
    assert.deepEqual(Array.from(scatter.energy), energy);
    const top = column(last.fc1.topUnit);
    scatter.preactivation.forEach((z, i) => assert.ok(Math.abs(z - top[i]) < 1e-5 * (1 + Math.abs(top[i])), `snapshot ${i}: ${z} vs ${top[i]}`));

    const samples = readSamples(dir)!;
    assert.equal(samples.L, 8);
    assert.equal(samples.samples.length, 4);
    assert.equal(samples.samples[3].spins.length, 64);
    assert.equal(samples.samples[3].energy, dataset.energy[90]);
  });

  it('leaves the training trajectory unchanged', async () => {
    const c = config();
    const outcome = await train({ config: c, runsRoot: path.join(root, 'runs-b'), kernels: 'typescript' });
    assert.ok(readFeatures(outcome.runDir).records.length > 0);

    // The same training without any analysis: the trainer's own loop and hooks.
    const records: EpochRecord[] = [];
    const checkpoints: TrainingState[] = [];
    new IsingTrainer(c, kernels, dataset).run({
      onEpoch: (r) => records.push(r),
      onCheckpoint: (s) => checkpoints.push(s),
      shouldStop: () => false,
      checkpointDue: (epoch) => checkpointDue(c.checkpoints, epoch, c.epochs),
    });
    assert.deepEqual(withoutTime(readMetricsFile(path.join(outcome.runDir, 'metrics.jsonl')).records), withoutTime(records));
    assert.deepEqual(checkpoints.map((s) => s.epoch), listCheckpoints(outcome.runDir));
    for (const s of checkpoints) assert.deepEqual(readCheckpointParams(outcome.runDir, s.epoch), s.params);
    assert.deepEqual(readResumeState(outcome.runDir)!.m, checkpoints[checkpoints.length - 1].m);
  });

  it('drops records after the resumed checkpoint and repeats the straight run', async () => {
    const straight = await train({ config: config(), runsRoot: path.join(root, 'runs-c'), kernels: 'typescript' });

    let logged = 0;
    const stopped = await train({
      config: config(), runsRoot: path.join(root, 'runs-d'), kernels: 'typescript',
      onEpoch: () => void logged++,
      shouldStop: () => logged >= 4,
    });
    assert.equal(readResumeState(stopped.runDir)!.epoch, 2);
    // A record and a scatter after the checkpoint, as a trainer killed between them would leave.
    const stale = { ...readFeatures(stopped.runDir).records[1], epoch: 3 };
    fs.appendFileSync(path.join(stopped.runDir, 'features.jsonl'), JSON.stringify(stale) + '\n{"epoch": 4');
    fs.copyFileSync(path.join(stopped.runDir, 'features', 'scatter-000002.f32'), path.join(stopped.runDir, 'features', 'scatter-000003.f32'));

    await train({ resumeDir: stopped.runDir, kernels: 'typescript' });
    const a = readFeatures(straight.runDir);
    const b = readFeatures(stopped.runDir);
    assert.equal(b.dropped, 0);
    assert.deepEqual(b.records, a.records);
    assert.deepEqual(fs.readdirSync(path.join(stopped.runDir, 'features')).sort(), fs.readdirSync(path.join(straight.runDir, 'features')).sort());
    assert.deepEqual(readScatter(stopped.runDir, 6), readScatter(straight.runDir, 6));
  });

  it('analyses the resumed checkpoint when its record is missing', async () => {
    const first = await train({ config: config({ epochs: 2 }), runsRoot: path.join(root, 'runs-e'), kernels: 'typescript' });
    const before = readFeatures(first.runDir).records;
    fs.rmSync(path.join(first.runDir, 'features.jsonl'));
    fs.rmSync(path.join(first.runDir, 'samples.json'));

    await train({ resumeDir: first.runDir, epochs: 4, kernels: 'typescript' });
    const after = readFeatures(first.runDir).records;
    assert.deepEqual(after.map((r) => r.epoch), [2, 4]);
    assert.deepEqual(after[0], before[before.length - 1]);
    assert.ok(readSamples(first.runDir));
  });

  it('gives the same record for any evaluation batch', async () => {
    const dirs = [7, 1000].map((evalBatchRows) => {
      const dir = fs.mkdtempSync(path.join(root, 'batch-'));
      const trainer = new IsingTrainer(config(), kernels, dataset, { evalBatchRows });
      new IsingFeatureRecorder(trainer.featureSource, dir).recordCheckpoint(0);
      return dir;
    });
    const [small, large] = dirs.map((dir) => readFeatures(dir).records[0]);
    assert.equal(small.fc1.topUnit, large.fc1.topUnit);
    small.fc1.rE.forEach((r, k) => assert.ok(Math.abs((r ?? 0) - (large.fc1.rE[k] ?? 0)) < 1e-9, `unit ${k}`));
    assert.ok(Math.abs(small.layers.conv1.rTilde.E - large.layers.conv1.rTilde.E) < 1e-9);
  });

  it('skips a CNN without a second convolution and logs why', async () => {
    const lines: string[] = [];
    const trainer = new IsingTrainer(config({ convChannels: [2] }), kernels, dataset);
    const dir = fs.mkdtempSync(path.join(root, 'one-block-'));
    new IsingFeatureRecorder(trainer.featureSource, dir, (l) => lines.push(l)).recordCheckpoint(0);
    assert.equal(fs.existsSync(path.join(dir, 'features.jsonl')), false);
    assert.match(lines[0], /needs at least 2 convolution blocks and 1 hidden layer, but the CNN has 1 and 1/);
  });

  it('writes no feature files for modular addition', async () => {
    const outcome = await train({ config: defaultConfig({ p: 11, hiddenLayers: [8], epochs: 2 }), runsRoot: path.join(root, 'runs-f'), kernels: 'typescript' });
    assert.equal(fs.existsSync(path.join(outcome.runDir, 'features.jsonl')), false);
    assert.equal(fs.existsSync(path.join(outcome.runDir, 'samples.json')), false);
  });
});
