import * as os from 'node:os';
import * as path from 'node:path';
import type { GrokConfig } from '../../shared/config/types';
import { loadOrGenerateIsing } from '../data/ising/cache';
import { loadConvKernels } from '../kernels';
import type { Kernels } from '../kernels/types';
import { isingParamsFromConfig } from './isingTask';
import { IsingTrainer, ModularAdditionTrainer } from './trainer';
import type { Trainer, TrainerOptions } from './types';

/** Environment variable that moves the product's cache folder; Ising datasets go to its `ising` subfolder. */
export const CACHE_ENV = 'GROKKING_INSPECTOR_CACHE';

export interface CreateTrainerOptions extends TrainerOptions {
  /** Folder of generated Ising datasets; `defaultIsingCacheDir()` when absent. */
  cacheDir?: string;
  /** Worker threads for Ising data generation; the generator's default when absent. */
  workers?: number;
  /** Receives the finished and total snapshot counts while Ising data is generated. */
  onProgress?(done: number, total: number): void;
  /** Receives one line per dataset generation, cache hit and rejected cache file. */
  log?(line: string): void;
}

/** Returns `$GROKKING_INSPECTOR_CACHE/ising` when the variable is set, else `~/.cache/grokking-inspector/ising`. */
export function defaultIsingCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const root = env[CACHE_ENV] || path.join(os.homedir(), '.cache', 'grokking-inspector');
  return path.join(root, 'ising');
}

/** Builds the trainer of `config.task`, first loading or generating the Ising dataset when the task needs one. */
export async function createTrainer(config: GrokConfig, kernels: Kernels, options: CreateTrainerOptions = {}): Promise<Trainer> {
  switch (config.task) {
    case 'modular-addition':
      return new ModularAdditionTrainer(config, kernels, options);
    case 'ising': {
      const dataset = await loadOrGenerateIsing(isingParamsFromConfig(config), {
        cacheDir: options.cacheDir ?? defaultIsingCacheDir(),
        workers: options.workers,
        onProgress: options.onProgress,
        log: options.log,
      });
      return new IsingTrainer(config, kernels, dataset, { ...options, convKernels: loadConvKernels(kernels) });
    }
    default: {
      const unknown: never = config.task;
      throw new Error(`Unknown task "${String(unknown)}"; use 'modular-addition' or 'ising'.`);
    }
  }
}
