import type { GrokConfig } from '../../shared/config/types';
import type { IsingSampleStrip } from '../../shared/isingFeatures';
import type { IsingFeatureSource } from '../analysis/featureSource';
import { isingSampleStrip } from '../analysis/isingSamples';
import type { IsingDataset } from '../data/ising/dataset';
import { isingTemperatures, type IsingParams } from '../data/ising/params';
import { splitIsing } from '../data/ising/split';
import { fnv1a64 } from '../hash';
import type { ConvKernels, FloatArray, Kernels } from '../kernels/types';
import { Cnn, type CnnShape, type Preactivation } from '../model/cnn';
import { deriveSeed, Rng } from '../rng';
import { STREAM_INIT } from '../streams';
import { evaluateInBatches, type Evaluation } from './evaluate';
import { DEFAULT_EVAL_BATCH_ROWS } from './modularAdditionTask';
import type { TrainingTask } from './types';

/** Ordered and disordered. */
const ISING_CLASSES = 2;

/** Returns the generator parameters that a config's Ising fields describe. */
export function isingParamsFromConfig(config: GrokConfig): IsingParams {
  return {
    L: config.lattice,
    sweeps: config.sweeps,
    temperatures: isingTemperatures(config.temperatureCount),
    samplesPerTemperature: config.samplesPerTemperature,
    dataSeed: config.dataSeed,
  };
}

/**
 * Copies the snapshots `indices` of `dataset` into `out` [indices.length, 1, L, L] as ±1 floats, the CNN's input,
 * and returns their labels.
 */
export function isingInputs(dataset: IsingDataset, indices: Int32Array, out: FloatArray): Int32Array {
  const n = dataset.L * dataset.L;
  if (out.length < indices.length * n) throw new RangeError(`the input buffer has ${out.length} values, but ${indices.length} snapshots need ${indices.length * n}`);
  const labels = new Int32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const source = indices[r] * n;
    for (let j = 0; j < n; j++) out[r * n + j] = dataset.spins[source + j];
    labels[r] = dataset.label[indices[r]];
  }
  return labels;
}

/**
 * The Ising phase classification on the CNN: the snapshots split by the data seed (test first, then train, as
 * `splitIsing` draws them) and held as float inputs in kernel memory.
 */
export class IsingTask implements TrainingTask, IsingFeatureSource {
  readonly model: Cnn;
  readonly trainSplitHash: string;
  readonly trainCount: number;
  readonly batchRows: number;
  readonly testEnergy: Float64Array;
  readonly testMagnetisation: Float64Array;
  readonly sampleStrip: IsingSampleStrip;

  private readonly inputSize: number;
  private readonly evalRows: number;
  private readonly trainInputs: FloatArray;
  private readonly trainTargets: Int32Array;
  private readonly testInputs: FloatArray;
  private readonly testTargets: Int32Array;
  /** Batch copied for a reshuffled order; a batch in split order is a view of `trainInputs` instead. */
  private readonly shuffledInputs: FloatArray;
  private readonly shuffledTargets: Int32Array;
  private batchInputs: FloatArray;

  constructor(config: GrokConfig, private readonly kernels: Kernels, conv: ConvKernels, dataset: IsingDataset, evalBatchRows = DEFAULT_EVAL_BATCH_ROWS) {
    if (config.task !== 'ising') throw new Error(`IsingTrainer cannot train task "${config.task}"`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${config.batchSize}`);
    if (dataset.L !== config.lattice) throw new RangeError(`the dataset has lattice side ${dataset.L}, but the config asks for ${config.lattice}`);
    const split = splitIsing(dataset.count, config.dataSeed, config.testSize, config.trainSize);
    this.inputSize = dataset.L * dataset.L;
    this.trainCount = split.train.length;

    this.trainInputs = kernels.alloc(split.train.length * this.inputSize);
    this.trainTargets = isingInputs(dataset, split.train, this.trainInputs);
    this.testInputs = kernels.alloc(split.test.length * this.inputSize);
    this.testTargets = isingInputs(dataset, split.test, this.testInputs);
    this.trainSplitHash = trainSetHash(dataset, split.train);
    this.testEnergy = Float64Array.from(split.test, (i) => dataset.energy[i]);
    this.testMagnetisation = Float64Array.from(split.test, (i) => dataset.magnetisation[i]);
    this.sampleStrip = isingSampleStrip(dataset);

    this.batchRows = Math.min(config.batchSize, this.trainCount);
    this.evalRows = Math.min(evalBatchRows, Math.max(split.train.length, split.test.length));
    const shape = { lattice: config.lattice, channels: config.convChannels, hidden: config.hiddenLayers, classes: ISING_CLASSES };
    this.model = new Cnn(kernels, conv, shape, Math.max(this.batchRows, this.evalRows));
    this.shuffledInputs = kernels.alloc(this.batchRows * this.inputSize);
    this.shuffledTargets = new Int32Array(this.batchRows);
    this.batchInputs = this.trainInputs;

    this.model.init(new Rng(deriveSeed(config.initSeed, STREAM_INIT)), config.init, config.w0);
  }

  loadBatch(order: Int32Array | null, start: number, rows: number): Int32Array {
    const n = this.inputSize;
    if (order === null) {
      this.batchInputs = this.trainInputs.subarray(start * n, (start + rows) * n);
      return this.trainTargets.subarray(start, start + rows);
    }
    for (let r = 0; r < rows; r++) {
      const source = order[start + r];
      this.shuffledInputs.set(this.trainInputs.subarray(source * n, (source + 1) * n), r * n);
      this.shuffledTargets[r] = this.trainTargets[source];
    }
    this.batchInputs = this.shuffledInputs;
    return this.shuffledTargets;
  }

  forwardBatch(rows: number): FloatArray {
    return this.model.forward(this.batchInputs, rows);
  }

  backwardBatch(rows: number): void {
    this.model.backward(this.batchInputs, rows);
  }

  get shape(): CnnShape {
    return this.model.shape;
  }

  forEachTestBatch(visit: (start: number, rows: number, layers: Preactivation[]) => void): void {
    const n = this.inputSize;
    const total = this.testTargets.length;
    for (let start = 0; start < total; start += this.evalRows) {
      const rows = Math.min(this.evalRows, total - start);
      this.model.forward(this.testInputs.subarray(start * n, (start + rows) * n), rows);
      visit(start, rows, this.model.preactivations(rows));
    }
  }

  evaluate(set: 'train' | 'test', float64: boolean): Evaluation {
    const inputs = set === 'train' ? this.trainInputs : this.testInputs;
    const targets = set === 'train' ? this.trainTargets : this.testTargets;
    const n = this.inputSize;
    return evaluateInBatches(this.kernels, ISING_CLASSES, targets.length, this.evalRows, float64, (start, rows) => ({
      logits: this.model.forward(inputs.subarray(start * n, (start + rows) * n), rows),
      targets: targets.subarray(start, start + rows),
    }));
  }
}

/**
 * FNV-1a 64 hex of the training snapshots in split order: their spins (one signed byte each) followed by their
 * labels, so that the hash changes with the seed and with any generator parameter.
 */
function trainSetHash(dataset: IsingDataset, train: Int32Array): string {
  const n = dataset.L * dataset.L;
  const bytes = new Uint8Array(train.length * (n + 1));
  for (let r = 0; r < train.length; r++) {
    const source = train[r] * n;
    for (let j = 0; j < n; j++) bytes[r * n + j] = dataset.spins[source + j] & 0xff;
    bytes[train.length * n + r] = dataset.label[train[r]];
  }
  return fnv1a64(bytes);
}
