import type { GrokConfig } from '../../shared/config/types';
import type { EpochRecord } from '../../shared/metrics';
import { buildModularAddition, MODULAR_ADDITION_INPUT_WIDTH, type ModularAdditionData } from '../data/modularAddition';
import { fnv1a64OfArray } from '../hash';
import type { Kernels } from '../kernels/types';
import { Mlp, type TensorInfo } from '../model/mlp';
import { deriveSeed, Rng } from '../rng';
import { STREAM_INIT, STREAM_ORDER } from '../streams';
import { Evaluator } from './evaluate';

/** Everything that resuming needs besides the config: batch order and data are recomputed from the seeds. */
export interface TrainingState {
  /** Last completed epoch; 0 is the initial parameters. */
  epoch: number;
  /** Adam steps taken so far; the next step's bias correction uses step + 1. */
  step: number;
  params: Float32Array;
  /** Adam first and second moments, in the parameter order. */
  m: Float32Array;
  v: Float32Array;
  elapsedSeconds: number;
}

export interface TrainerHooks {
  onEpoch(record: EpochRecord): void;
  /** Receives copies that the trainer no longer touches. */
  onCheckpoint(state: TrainingState): void;
  /** Polled before every optimiser step. */
  shouldStop(): boolean;
  checkpointDue(epoch: number): boolean;
}

export interface TrainerOptions {
  /** Seconds on a monotonic clock; tests pass a fake one to make records byte-identical. */
  clock?: () => number;
  /** Rows per evaluation batch; the result does not depend on it. */
  evalBatchRows?: number;
}

/**
 * Evaluation batch when none is given. 1024 rows keep the evaluation activations (1024 × 512 floats for a
 * 512-unit hidden layer, 2 MiB) small while making the per-batch overhead negligible.
 */
const DEFAULT_EVAL_BATCH_ROWS = 1024;

const defaultClock = (): number => performance.now() / 1000;

/**
 * Trains the modular-addition MLP with Adam on cross-entropy, in mini-batches that follow the split order (or
 * a per-epoch order drawn from the order seed), and reports one record per epoch.
 */
export class ModularAdditionTrainer {
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  readonly trainSplitHash: string;
  readonly initHash: string;

  private readonly data: ModularAdditionData;
  private readonly model: Mlp;
  private readonly evaluator: Evaluator;
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private readonly batchIndex: Int32Array;
  private readonly batchTargets: Int32Array;
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

  constructor(private readonly config: GrokConfig, private readonly kernels: Kernels, options: TrainerOptions = {}) {
    if (config.task !== 'modular-addition') throw new Error(`ModularAdditionTrainer cannot train task "${config.task}"`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${config.batchSize}`);
    this.clock = options.clock ?? defaultClock;
    this.float64Loss = config.lossPrecision === 'float64';

    const p = config.p;
    this.data = buildModularAddition(p, config.trainFraction, config.dataSeed);
    this.trainSplitHash = this.data.splitHash;
    const nTrain = this.data.trainTargets.length;
    const nTest = this.data.testTargets.length;

    const batchRows = Math.min(config.batchSize, nTrain);
    const evalRows = Math.min(options.evalBatchRows ?? DEFAULT_EVAL_BATCH_ROWS, Math.max(nTrain, nTest));
    this.model = new Mlp(kernels, { inputs: 2 * p, hidden: config.hiddenLayers, outputs: p, inputWidth: MODULAR_ADDITION_INPUT_WIDTH }, Math.max(batchRows, evalRows));
    this.parameterCount = this.model.parameterCount;
    this.tensors = this.model.tensors;
    this.evaluator = new Evaluator(kernels, this.model, evalRows);

    this.m = kernels.alloc(this.parameterCount);
    this.v = kernels.alloc(this.parameterCount);
    this.batchIndex = new Int32Array(batchRows * MODULAR_ADDITION_INPUT_WIDTH);
    this.batchTargets = new Int32Array(batchRows);
    this.order = new Int32Array(nTrain);

    this.model.init(new Rng(deriveSeed(config.initSeed, STREAM_INIT)), config.init, config.w0);
    this.initHash = fnv1a64OfArray(this.params);
  }

  private get params(): Float32Array {
    return this.model.params as Float32Array;
  }

  /** Loads a checkpoint; the next `run` continues with epoch `state.epoch + 1`. */
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

  /**
   * Trains up to `config.epochs`. A fresh trainer first reports and checkpoints epoch 0. When `shouldStop`
   * returns true, the partly trained epoch is abandoned and the last completed epoch is returned; call
   * `restore` with a checkpoint before running again.
   */
  run(hooks: TrainerHooks): { lastEpoch: number; reason: 'finished' | 'stopped' } {
    if (this.interrupted) throw new Error('the trainer stopped inside an epoch; restore a checkpoint before running again');
    const started = this.clock();
    const elapsed = (): number => this.elapsedBefore + (this.clock() - started);

    if (this.fresh) {
      this.fresh = false;
      const train = this.evaluator.evaluate(this.data.trainInputs, this.data.trainTargets, this.data.trainTargets.length, this.float64Loss);
      const record = this.record(0, train.loss, train.accuracy, train.collapsedFraction, elapsed);
      hooks.onEpoch(record);
      hooks.onCheckpoint(this.snapshot(record.elapsedSeconds));
    }

    const { batchSize, epochs } = this.config;
    const nTrain = this.data.trainTargets.length;
    for (let epoch = this.epoch + 1; epoch <= epochs; epoch++) {
      const shuffled = this.prepareOrder(epoch);
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
        this.loadBatch(start, rows, shuffled);
        const r = this.trainStep(rows);
        lossSum += r.lossSum;
        correct += r.correct;
        collapsed += r.collapsed;
      }
      this.epoch = epoch;
      const record = this.record(epoch, lossSum / nTrain, correct / nTrain, collapsed / nTrain, elapsed);
      hooks.onEpoch(record);
      if (hooks.checkpointDue(epoch) || epoch === epochs) hooks.onCheckpoint(this.snapshot(record.elapsedSeconds));
    }
    this.elapsedBefore = elapsed();
    return { lastEpoch: this.epoch, reason: 'finished' };
  }

  /** One forward, backward and Adam step on the rows in the batch buffers; returns the batch's loss sums. */
  private trainStep(rows: number): { lossSum: number; correct: number; collapsed: number } {
    const c = this.config;
    const model = this.model;
    model.forward(this.batchIndex, rows);
    // The batch loss is the mean over its rows, as torch.nn.CrossEntropyLoss computes it.
    const r = this.kernels.softmaxCrossEntropy(model.logits, this.batchTargets, model.dLogits, rows, c.p, 1 / rows, this.float64Loss);
    model.backward(this.batchIndex, rows);
    this.step++;
    this.kernels.adamStep(
      model.params, model.grads, this.m, this.v, this.parameterCount, this.step,
      c.learningRate, c.beta1, c.beta2, c.epsilon, c.weightDecay, c.weightDecayMode === 'coupled',
    );
    return r;
  }

  /** Draws this epoch's visiting order for `reshuffle`; returns false for the fixed split order. */
  private prepareOrder(epoch: number): boolean {
    if (this.config.batchOrder === 'fixed') return false;
    // A stream per epoch, so resuming at any epoch needs no saved generator state.
    for (let i = 0; i < this.order.length; i++) this.order[i] = i;
    new Rng(deriveSeed(this.config.orderSeed, STREAM_ORDER, epoch)).shuffle(this.order);
    return true;
  }

  private loadBatch(start: number, rows: number, shuffled: boolean): void {
    const width = MODULAR_ADDITION_INPUT_WIDTH;
    const inputs = this.data.trainInputs;
    const targets = this.data.trainTargets;
    for (let r = 0; r < rows; r++) {
      const source = shuffled ? this.order[start + r] : start + r;
      for (let q = 0; q < width; q++) this.batchIndex[r * width + q] = inputs[source * width + q];
      this.batchTargets[r] = targets[source];
    }
  }

  /** Evaluates the test set and weight norms, and stamps the record with the time after that evaluation. */
  private record(epoch: number, trainLoss: number, trainAccuracy: number, collapsedFraction: number, elapsed: () => number): EpochRecord {
    const test = this.evaluator.evaluate(this.data.testInputs, this.data.testTargets, this.data.testTargets.length, this.float64Loss);
    const squares = this.model.layerSquaredNorms(this.layerSquares);
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
