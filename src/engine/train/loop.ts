import type { GrokConfig } from '../../shared/config/types';
import type { EpochRecord } from '../../shared/metrics';
import { fnv1a64OfArray } from '../hash';
import type { Kernels } from '../kernels/types';
import type { TensorInfo } from '../model/mlp';
import { deriveSeed, Rng } from '../rng';
import { STREAM_ORDER } from '../streams';
import type { Trainer, TrainerHooks, TrainerOptions, TrainingState, TrainingTask } from './types';

const defaultClock = (): number => performance.now() / 1000;

/**
 * The epoch loop shared by every task: Adam on the mean cross-entropy of mini-batches that follow the split
 * order (or a per-epoch order drawn from the order seed), one record per epoch, checkpoints, stop and resume.
 */
export class EpochTrainer implements Trainer {
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  readonly trainSplitHash: string;
  readonly initHash: string;

  private readonly m: Float32Array;
  private readonly v: Float32Array;
  /** Training-set positions in this epoch's visiting order; used when batchOrder is `reshuffle`. */
  private readonly order: Int32Array;
  private readonly layerSquares: number[] = [];
  private readonly clock: () => number;
  private readonly float64Loss: boolean;

  private epoch = 0;
  private step = 0;
  private elapsedBefore = 0;
  /** True until epoch 0 has been reported; `restore` clears it. */
  private fresh = true;
  /** Set when a run stopped inside an epoch: the parameters are then partly updated and must be restored. */
  private interrupted = false;

  constructor(
    private readonly config: GrokConfig,
    private readonly kernels: Kernels,
    private readonly task: TrainingTask,
    options: TrainerOptions = {},
  ) {
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${config.batchSize}`);
    if (task.batchRows < Math.min(config.batchSize, task.trainCount)) {
      throw new RangeError(`the task's batch buffers hold ${task.batchRows} rows, fewer than batchSize ${config.batchSize}`);
    }
    this.clock = options.clock ?? defaultClock;
    this.float64Loss = config.lossPrecision === 'float64';
    this.parameterCount = task.model.parameterCount;
    this.tensors = task.model.tensors;
    this.trainSplitHash = task.trainSplitHash;
    this.m = kernels.alloc(this.parameterCount);
    this.v = kernels.alloc(this.parameterCount);
    this.order = new Int32Array(task.trainCount);
    this.initHash = fnv1a64OfArray(this.params);
  }

  private get params(): Float32Array {
    return this.task.model.params as Float32Array;
  }

  restore(state: TrainingState): void {
    const n = this.parameterCount;
    for (const [name, array] of [['params', state.params], ['m', state.m], ['v', state.v]] as const) {
      if (array.length !== n) throw new RangeError(`checkpoint ${name} has ${array.length} values, but the model has ${n} parameters`);
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0 || !Number.isInteger(state.step) || state.step < 0) {
      throw new RangeError(`checkpoint epoch ${state.epoch} and step ${state.step} must be non-negative integers`);
    }
    this.params.set(state.params);
    this.m.set(state.m);
    this.v.set(state.v);
    this.epoch = state.epoch;
    this.step = state.step;
    this.elapsedBefore = state.elapsedSeconds;
    this.fresh = false;
    this.interrupted = false;
  }

  run(hooks: TrainerHooks): { lastEpoch: number; reason: 'finished' | 'stopped' } {
    if (this.interrupted) throw new Error('the trainer stopped inside an epoch; restore a checkpoint before running again');
    const started = this.clock();
    const elapsed = (): number => this.elapsedBefore + (this.clock() - started);

    if (this.fresh) {
      this.fresh = false;
      const train = this.task.evaluate('train', this.float64Loss);
      const record = this.record(0, train.loss, train.accuracy, train.collapsedFraction, elapsed);
      hooks.onEpoch(record);
      hooks.onCheckpoint(this.snapshot(record.elapsedSeconds));
    }

    const { batchSize, epochs } = this.config;
    const nTrain = this.task.trainCount;
    for (let epoch = this.epoch + 1; epoch <= epochs; epoch++) {
      const order = this.prepareOrder(epoch);
      let lossSum = 0;
      let correct = 0;
      let collapsed = 0;
      for (let start = 0; start < nTrain; start += batchSize) {
        if (hooks.shouldStop()) {
          this.interrupted = start > 0;
          this.elapsedBefore = elapsed();
          return { lastEpoch: epoch - 1, reason: 'stopped' };
        }
        const rows = Math.min(batchSize, nTrain - start);
        const r = this.trainStep(order, start, rows);
        lossSum += r.lossSum;
        correct += r.correct;
        collapsed += r.collapsed;
      }
      this.epoch = epoch;
      // Sums over examples divided by the count: batch means weighted by batch size.
      const record = this.record(epoch, lossSum / nTrain, correct / nTrain, collapsed / nTrain, elapsed);
      hooks.onEpoch(record);
      if (hooks.checkpointDue(epoch) || epoch === epochs) hooks.onCheckpoint(this.snapshot(record.elapsedSeconds));
    }
    this.elapsedBefore = elapsed();
    return { lastEpoch: this.epoch, reason: 'finished' };
  }

  /** One forward, backward and Adam step on a batch; returns the batch's loss sums. */
  private trainStep(order: Int32Array | null, start: number, rows: number): { lossSum: number; correct: number; collapsed: number } {
    const c = this.config;
    const model = this.task.model;
    const targets = this.task.loadBatch(order, start, rows);
    const logits = this.task.forwardBatch(rows);
    // The batch loss is the mean over its rows, as torch.nn.CrossEntropyLoss computes it.
    const r = this.kernels.softmaxCrossEntropy(logits, targets, model.dLogits, rows, model.classes, 1 / rows, this.float64Loss);
    this.task.backwardBatch(rows);
    this.step++;
    this.kernels.adamStep(
      model.params, model.grads, this.m, this.v, this.parameterCount, this.step,
      c.learningRate, c.beta1, c.beta2, c.epsilon, c.weightDecay, c.weightDecayMode === 'coupled',
    );
    return r;
  }

  /** Draws this epoch's visiting order for `reshuffle`; returns null for the fixed split order. */
  private prepareOrder(epoch: number): Int32Array | null {
    if (this.config.batchOrder === 'fixed') return null;
    // A stream per epoch, so resuming at any epoch needs no saved generator state.
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    new Rng(deriveSeed(this.config.orderSeed, STREAM_ORDER, epoch)).shuffle(this.order);
    return this.order;
  }

  /** Evaluates the test set and weight norms, and stamps the record with the time after that evaluation. */
  private record(epoch: number, trainLoss: number, trainAccuracy: number, collapsedFraction: number, elapsed: () => number): EpochRecord {
    const test = this.task.evaluate('test', this.float64Loss);
    const squares = this.task.model.layerSquaredNorms(this.layerSquares);
    let total = 0;
    for (const s of squares) total += s;
    return {
      epoch,
      trainLoss,
      trainAccuracy,
      testLoss: test.loss,
      testAccuracy: test.accuracy,
      weightNorm: Math.sqrt(total),
      layerNorms: squares.map((s) => Math.sqrt(s)),
      collapsedFraction,
      elapsedSeconds: elapsed(),
    };
  }

  private snapshot(elapsedSeconds: number): TrainingState {
    return {
      epoch: this.epoch,
      step: this.step,
      params: this.params.slice(),
      m: this.m.slice(),
      v: this.v.slice(),
      elapsedSeconds,
    };
  }
}
