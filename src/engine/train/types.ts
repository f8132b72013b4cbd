import type { EpochRecord } from '../../shared/metrics';
import type { IsingFeatureSource } from '../analysis/featureSource';
import type { FloatArray } from '../kernels/types';
import type { TensorInfo } from '../model/mlp';
import type { Evaluation } from './evaluate';

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

/** Common interface of the task trainers, used by the run session. */
export interface Trainer {
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  /** FNV-1a 64 hex that identifies the training set and its order. */
  readonly trainSplitHash: string;
  /** FNV-1a 64 hex of the initial parameters. */
  readonly initHash: string;
  /** Test-set access for the feature analysis at checkpoints; only Ising trainers have it. */
  readonly featureSource?: IsingFeatureSource;
  /** Loads a checkpoint; the next `run` continues with epoch `state.epoch + 1`. */
  restore(state: TrainingState): void;
  /**
   * Trains up to `config.epochs`. A fresh trainer first reports and checkpoints epoch 0. When `shouldStop`
   * returns true, the partly trained epoch is abandoned and the last completed epoch is returned; call
   * `restore` with a checkpoint before running again.
   */
  run(hooks: TrainerHooks): { lastEpoch: number; reason: 'finished' | 'stopped' };
}

/** Model interface of the epoch loop: one flat parameter and gradient vector and a logit-gradient buffer. */
export interface TaskModel {
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  readonly classes: number;
  /** Loss gradient with respect to the logits [maxRows, classes], which `backwardBatch` reads. */
  readonly dLogits: FloatArray;
  /** Fills `out` with each layer's squared parameter norm, input side first, and returns it. */
  layerSquaredNorms(out: number[]): number[];
}

/**
 * The task-specific half of training: the data set, the model and batch assembly. The epoch loop owns the
 * optimiser, the loss, the metrics and checkpoints.
 */
export interface TrainingTask {
  /** Initialised (and scaled by w0) when the task is constructed. */
  readonly model: TaskModel;
  readonly trainSplitHash: string;
  readonly trainCount: number;
  /** Largest batch that `loadBatch` accepts. */
  readonly batchRows: number;
  /**
   * Makes training examples `order[start + r]` (or `start + r` when `order` is null), r < rows, the current batch
   * and returns their targets [rows].
   */
  loadBatch(order: Int32Array | null, start: number, rows: number): Int32Array;
  /** Computes the logits [rows, classes] of the current batch. */
  forwardBatch(rows: number): FloatArray;
  /** Overwrites the model's gradients from `dLogits`, for the current batch after `forwardBatch`. */
  backwardBatch(rows: number): void;
  /** Evaluates the whole training or test set with the current parameters. */
  evaluate(set: 'train' | 'test', float64: boolean): Evaluation;
}
