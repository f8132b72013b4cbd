// The engine side of `npm run bench`: training steps of the MLP and CNN of Manning-Coe et al. 2025 (arXiv
// 2502.01739) on the engine's task classes and kernel sets, and whole modular-addition epochs through ModularAdditionTrainer.
import { generateIsing } from '../src/engine/data/ising/parallel';
import { isingTemperatures } from '../src/engine/data/ising/params';
import type { ConvKernels, Kernels } from '../src/engine/kernels/types';
import { Rng } from '../src/engine/rng';
import { IsingTask } from '../src/engine/train/isingTask';
import { ModularAdditionTask } from '../src/engine/train/modularAdditionTask';
import { ModularAdditionTrainer } from '../src/engine/train/trainer';
import type { TrainingTask } from '../src/engine/train/types';
import type { IsingDataset } from '../src/engine/data/ising/dataset';
import { defaultConfig } from '../src/shared/config/defaults';
import type { GrokConfig } from '../src/shared/config/types';
import type { Profile } from './profile';
import { LATE_MOMENT, LATE_PARAM_SCALE, LATE_STEP, summarise, type OptimiserState, type RunPlan, type Summary } from './timing';

/** The paper's initialisation scale for the grokking runs (Manning-Coe et al. 2025, arXiv 2502.01739). */
export const BENCH_W0 = 10;
/** Train and test sizes of the paper's Ising split. */
const ISING_TRAIN = 300;
const ISING_TEST = 1000;
/** 26 snapshots at each of the 50 temperatures give the 1300 that one 300/1000 split needs. */
const ISING_SAMPLES_PER_TEMPERATURE = 26;

export type ModelName = 'mlp' | 'cnn';

/** Builds the config of a workload: the paper's hyperparameters (the defaults) at w0 = 10 and the given batch. */
export function workloadConfig(model: ModelName, batchSize?: number): GrokConfig {
  const base = model === 'mlp' ? defaultConfig({ w0: BENCH_W0 }) : defaultConfig({ task: 'ising', w0: BENCH_W0 });
  return batchSize === undefined ? base : { ...base, batchSize };
}

/**
 * Generates a small Ising dataset with the default generator settings: enough snapshots for one 300/1000 split,
 * so that the benchmark needs neither the 50,000-snapshot cache nor minutes of generation.
 */
export function benchIsingDataset(config: GrokConfig): Promise<IsingDataset> {
  return generateIsing(
    {
      L: config.lattice,
      sweeps: config.sweeps,
      temperatures: isingTemperatures(config.temperatureCount),
      samplesPerTemperature: ISING_SAMPLES_PER_TEMPERATURE,
      dataSeed: config.dataSeed,
    },
    { workers: 0 },
  );
}

/** Builds the training task of a workload on `kernels`; the CNN also takes `conv`. */
export function buildTask(model: ModelName, config: GrokConfig, kernels: Kernels, conv: ConvKernels, ising: IsingDataset | null): TrainingTask {
  if (model === 'mlp') return new ModularAdditionTask(config, kernels);
  if (!ising) throw new Error('the Ising workload needs a dataset');
  return new IsingTask({ ...config, trainSize: ISING_TRAIN, testSize: ISING_TEST }, kernels, conv, ising);
}

/** Returns the fresh initialisation (already scaled by w0 in the task) with zero moments. */
export function earlyState(task: TrainingTask): OptimiserState {
  const n = task.model.parameterCount;
  return { params: Float32Array.from(task.model.params), m: new Float32Array(n), v: new Float32Array(n), step: 0, perStepRestore: false };
}

/** Returns the late-training state described beside `LATE_PARAM_SCALE`, built from the task's fresh parameters. */
export function lateState(task: TrainingTask): OptimiserState {
  const rng = new Rng(3);
  const n = task.model.parameterCount;
  const state: OptimiserState = { params: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n), step: LATE_STEP, perStepRestore: true };
  for (let i = 0; i < n; i++) {
    state.params[i] = task.model.params[i] * LATE_PARAM_SCALE;
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    state.m[i] = sign * LATE_MOMENT * (0.5 + rng.uniform());
    state.v[i] = LATE_MOMENT * (1 + rng.uniform());
  }
  return state;
}

/**
 * A task with its own Adam moments that takes the same training step as EpochTrainer (load the batch, forward,
 * softmax cross-entropy with the mean over rows, backward, Adam), so that every phase of the step can be timed.
 */
export class StepRunner {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private step = 0;
  private readonly float64Loss: boolean;

  constructor(
    private readonly task: TrainingTask,
    private readonly kernels: Kernels,
    private readonly config: GrokConfig,
  ) {
    this.m = kernels.alloc(task.model.parameterCount);
    this.v = kernels.alloc(task.model.parameterCount);
    this.float64Loss = config.lossPrecision === 'float64';
  }

  get batchCount(): number {
    return Math.ceil(this.task.trainCount / this.config.batchSize);
  }

  restore(state: OptimiserState): void {
    this.task.model.params.set(state.params);
    this.m.set(state.m);
    this.v.set(state.v);
    this.step = state.step;
  }

  /** Takes one step on batch `batch` of the split order; `phase` receives each phase's name and ms. */
  trainStep(batch: number, phase?: (name: string, ms: number) => void): void {
    const c = this.config;
    const model = this.task.model;
    const start = (batch % this.batchCount) * c.batchSize;
    const rows = Math.min(c.batchSize, this.task.trainCount - start);
    let t = phase ? performance.now() : 0;
    const mark = (name: string): void => {
      if (!phase) return;
      const now = performance.now();
      phase(name, now - t);
      t = now;
    };

    const targets = this.task.loadBatch(null, start, rows);
    mark('loadBatch');
    const logits = this.task.forwardBatch(rows);
    mark('forward');
    this.kernels.softmaxCrossEntropy(logits, targets, model.dLogits, rows, model.classes, 1 / rows, this.float64Loss);
    mark('loss');
    this.task.backwardBatch(rows);
    mark('backward');
    this.step++;
    this.kernels.adamStep(
      model.params, model.grads, this.m, this.v, model.parameterCount, this.step,
      c.learningRate, c.beta1, c.beta2, c.epsilon, c.weightDecay, c.weightDecayMode === 'coupled',
    );
    mark('adamStep');
  }
}

/**
 * Returns the mean ms per step of each timed run. A state without `perStepRestore` is restored once per run and
 * then stepped through consecutive batches; one with it is restored before every step, outside the timing.
 */
export function timeSteps(runner: StepRunner, state: OptimiserState, plan: RunPlan): Summary {
  const run = (steps: number): number => {
    if (!state.perStepRestore) {
      runner.restore(state);
      const start = performance.now();
      for (let s = 0; s < steps; s++) runner.trainStep(s);
      return (performance.now() - start) / steps;
    }
    let total = 0;
    for (let s = 0; s < steps; s++) {
      runner.restore(state);
      const start = performance.now();
      runner.trainStep(s);
      total += performance.now() - start;
    }
    return total / steps;
  };
  run(plan.warmup);
  return summarise(Array.from({ length: plan.runs }, () => run(plan.steps)));
}

/**
 * Returns ms per step of each phase and of each kernel inside it over `steps` steps, from a runner whose task
 * was built on `profiled` kernels sharing `profile`.
 */
export function profileSteps(runner: StepRunner, state: OptimiserState, steps: number, profile: Profile): { phases: Map<string, number>; kernels: Map<string, number> } {
  const phases = new Map<string, number>();
  const addPhase = (name: string, ms: number): void => {
    phases.set(name, (phases.get(name) ?? 0) + ms);
  };
  runner.restore(state);
  profile.totals.clear();
  for (let s = 0; s < steps; s++) {
    if (state.perStepRestore) {
      profile.paused = true;
      runner.restore(state);
      profile.paused = false;
    }
    runner.trainStep(s, addPhase);
  }
  const perStep = (map: Map<string, number>): Map<string, number> => new Map([...map].map(([k, ms]) => [k, ms / steps]));
  return { phases: perStep(phases), kernels: perStep(profile.totals) };
}

export interface EpochTiming {
  /** Wall ms of whole epochs: 140 steps of 64 rows, the 3831-row test evaluation and the weight norms. */
  epoch: Summary;
  /** ms of one evaluation of the 3831 test rows, measured apart. */
  testEvaluation: Summary;
}

/**
 * Times whole modular-addition epochs through ModularAdditionTrainer from the w0 = 10 initialisation: the time
 * between consecutive epoch records, which covers every step, the test evaluation and the weight norms but no
 * checkpoint writing (the run session's job, not the trainer's).
 */
export function timeEpochs(kernels: Kernels, plan: { warmup: number; runs: number }): EpochTiming {
  const config = { ...workloadConfig('mlp'), epochs: plan.warmup + plan.runs };
  const trainer = new ModularAdditionTrainer(config, kernels);
  const stamps: number[] = [];
  trainer.run({
    onEpoch: () => {
      stamps.push(performance.now());
    },
    onCheckpoint: () => {},
    shouldStop: () => false,
    checkpointDue: () => false,
  });
  // stamps[0] follows the epoch-0 evaluation; stamps[e] follows epoch e.
  const epochs = stamps.slice(1).map((t, e) => t - stamps[e]);

  const task = new ModularAdditionTask(config, kernels);
  const evaluations: number[] = [];
  for (let r = 0; r < plan.warmup + plan.runs; r++) {
    const start = performance.now();
    task.evaluate('test', config.lossPrecision === 'float64');
    evaluations.push(performance.now() - start);
  }
  return { epoch: summarise(epochs.slice(plan.warmup)), testEvaluation: summarise(evaluations.slice(plan.warmup)) };
}
