import type { GrokConfig } from '../../shared/config/types';
import { buildModularAddition, MODULAR_ADDITION_INPUT_WIDTH, type ModularAdditionData } from '../data/modularAddition';
import type { FloatArray, Kernels } from '../kernels/types';
import { Mlp } from '../model/mlp';
import { deriveSeed, Rng } from '../rng';
import { STREAM_INIT } from '../streams';
import { Evaluator, type Evaluation } from './evaluate';
import type { TrainingTask } from './types';

/**
 * Evaluation batch when none is given. 1024 rows keep the evaluation activations (1024 × 512 floats for a
 * 512-unit hidden layer, 2 MiB) small while making the per-batch overhead negligible.
 */
export const DEFAULT_EVAL_BATCH_ROWS = 1024;

/** Modular addition on the MLP: the P² pairs split by the data seed, batches as two active input indices per row. */
export class ModularAdditionTask implements TrainingTask {
  readonly model: Mlp;
  readonly trainSplitHash: string;
  readonly trainCount: number;
  readonly batchRows: number;

  private readonly data: ModularAdditionData;
  private readonly evaluator: Evaluator;
  private readonly batchIndex: Int32Array;
  private readonly batchTargets: Int32Array;

  constructor(config: GrokConfig, kernels: Kernels, evalBatchRows = DEFAULT_EVAL_BATCH_ROWS) {
    if (config.task !== 'modular-addition') throw new Error(`ModularAdditionTrainer cannot train task "${config.task}"`);
    if (!Number.isInteger(config.batchSize) || config.batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${config.batchSize}`);
    const p = config.p;
    this.data = buildModularAddition(p, config.trainFraction, config.dataSeed);
    this.trainSplitHash = this.data.splitHash;
    this.trainCount = this.data.trainTargets.length;
    const nTest = this.data.testTargets.length;

    this.batchRows = Math.min(config.batchSize, this.trainCount);
    const evalRows = Math.min(evalBatchRows, Math.max(this.trainCount, nTest));
    const shape = { inputs: 2 * p, hidden: config.hiddenLayers, outputs: p, inputWidth: MODULAR_ADDITION_INPUT_WIDTH };
    this.model = new Mlp(kernels, shape, Math.max(this.batchRows, evalRows));
    this.evaluator = new Evaluator(kernels, this.model, evalRows);
    this.batchIndex = new Int32Array(this.batchRows * MODULAR_ADDITION_INPUT_WIDTH);
    this.batchTargets = new Int32Array(this.batchRows);

    this.model.init(new Rng(deriveSeed(config.initSeed, STREAM_INIT)), config.init, config.w0);
  }

  loadBatch(order: Int32Array | null, start: number, rows: number): Int32Array {
    const width = MODULAR_ADDITION_INPUT_WIDTH;
    const inputs = this.data.trainInputs;
    const targets = this.data.trainTargets;
    for (let r = 0; r < rows; r++) {
      const source = order ? order[start + r] : start + r;
      for (let q = 0; q < width; q++) this.batchIndex[r * width + q] = inputs[source * width + q];
      this.batchTargets[r] = targets[source];
    }
    return this.batchTargets;
  }

  forwardBatch(rows: number): FloatArray {
    return this.model.forward(this.batchIndex, rows);
  }

  backwardBatch(rows: number): void {
    this.model.backward(this.batchIndex, rows);
  }

  evaluate(set: 'train' | 'test', float64: boolean): Evaluation {
    const d = this.data;
    return set === 'train'
      ? this.evaluator.evaluate(d.trainInputs, d.trainTargets, d.trainTargets.length, float64)
      : this.evaluator.evaluate(d.testInputs, d.testTargets, d.testTargets.length, float64);
  }
}
