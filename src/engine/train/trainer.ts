import type { GrokConfig } from '../../shared/config/types';
import type { IsingFeatureSource } from '../analysis/featureSource';
import type { IsingDataset } from '../data/ising/dataset';
import { TypeScriptConvKernels } from '../kernels/typescriptConv';
import type { ConvKernels, Kernels } from '../kernels/types';
import { IsingTask } from './isingTask';
import { EpochTrainer } from './loop';
import { ModularAdditionTask } from './modularAdditionTask';
import type { TrainerOptions } from './types';

export type { Trainer, TrainerHooks, TrainerOptions, TrainingState } from './types';

/**
 * Trains the modular-addition MLP with Adam on cross-entropy, in mini-batches that follow the split order (or
 * a per-epoch order drawn from the order seed), and reports one record per epoch.
 */
export class ModularAdditionTrainer extends EpochTrainer {
  constructor(config: GrokConfig, kernels: Kernels, options: TrainerOptions = {}) {
    super(config, kernels, new ModularAdditionTask(config, kernels, options.evalBatchRows), options);
  }
}

export interface IsingTrainerOptions extends TrainerOptions {
  /** Convolution kernels; `kernels.conv`, or else the TypeScript set, when absent. */
  convKernels?: ConvKernels;
}

/**
 * Trains the Ising CNN on a generated dataset (see `createTrainer` for loading it), with the same loop, records
 * and checkpoints as modular addition.
 */
export class IsingTrainer extends EpochTrainer {
  readonly featureSource: IsingFeatureSource;

  constructor(config: GrokConfig, kernels: Kernels, dataset: IsingDataset, options: IsingTrainerOptions = {}) {
    const conv = options.convKernels ?? kernels.conv ?? new TypeScriptConvKernels();
    const task = new IsingTask(config, kernels, conv, dataset, options.evalBatchRows);
    super(config, kernels, task, options);
    this.featureSource = task;
  }
}
