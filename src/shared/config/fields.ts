import type { GrokConfig, TaskName } from './types';

/**
 * One row per config key. This table drives validation, the contributed JSON Schema, hover docs and the
 * defaults, so the four never disagree.
 */
export interface FieldSpec {
  key: string;
  kind: 'number' | 'integer' | 'string' | 'integer-list' | 'object';
  doc: string;
  /** Omitted for the seeds, whose default is derived from `seed`. */
  default?: unknown;
  enum?: readonly string[];
  minimum?: number;
  maximum?: number;
  /** The bound itself is not allowed. */
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  /** Sub-fields of an `object` field. */
  fields?: FieldSpec[];
  /** Defaults that differ by task; `default` applies to every other task. */
  taskDefaults?: Partial<Record<TaskName, unknown>>;
  /** The field applies to this task only. */
  task?: TaskName;
}

export const TASKS = ['modular-addition', 'ising'] as const;

export const CONFIG_FIELDS: FieldSpec[] = [
  { key: 'task', kind: 'string', enum: TASKS, default: 'modular-addition',
    doc: 'Learning task. `modular-addition`: (a + b) mod p from a two-hot input (226-512-113 MLP). `ising`: ordered or disordered phase of 16×16 Ising snapshots (a small CNN). Several defaults depend on it.' },
  { key: 'p', kind: 'integer', minimum: 2, maximum: 1000, default: 113, task: 'modular-addition',
    doc: 'Modulus p of the modular-addition task; the dataset holds all p² pairs. The paper uses 113.' },
  { key: 'trainFraction', kind: 'number', task: 'modular-addition', minimum: 0, maximum: 1, exclusiveMinimum: true, exclusiveMaximum: true, default: 0.7,
    doc: 'Share of the p² pairs used for training; the split takes floor(trainFraction · p²) pairs (8938 of 12769 at p = 113, 0.7).' },
  { key: 'hiddenLayers', kind: 'integer-list', minimum: 1, maximum: 65536, default: [512], taskDefaults: { ising: [100] },
    doc: 'Widths of the fully connected hidden layers, input side first. The paper uses 512 units (modular addition) and 100 after the convolutions (Ising).' },
  { key: 'activation', kind: 'string', enum: ['relu'], default: 'relu', doc: 'Hidden-layer activation.' },
  { key: 'init', kind: 'string', enum: ['xavier-normal', 'pytorch-default'], default: 'xavier-normal', taskDefaults: { ising: 'pytorch-default' },
    doc: 'Weight initialisation before scaling by w0. `xavier-normal`: N(0, 2/(fan_in + fan_out)) weights and zero biases, as in the paper. `pytorch-default`: U(±1/√fan_in) weights and biases.' },
  { key: 'w0', kind: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1e6, default: 1,
    doc: 'Weight multiplier w0: every parameter, biases included, is multiplied by it once after initialisation. Large values (10) make the network grok; small values (0.1) make it learn steadily.' },
  { key: 'optimizer', kind: 'string', enum: ['adam'], default: 'adam', doc: 'Optimiser.' },
  { key: 'learningRate', kind: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, default: 5e-3, taskDefaults: { ising: 1e-4 },
    doc: 'Adam learning rate. The paper uses 5e-3 for modular addition and 1e-4 for Ising.' },
  { key: 'weightDecay', kind: 'number', minimum: 0, maximum: 10, default: 3e-5, taskDefaults: { ising: 0.1 },
    doc: 'Weight-decay coefficient. The paper uses 3e-5 for modular addition and 0.1 for Ising, both coupled.' },
  { key: 'weightDecayMode', kind: 'string', enum: ['coupled', 'decoupled'], default: 'coupled',
    doc: '`coupled`: L2 term wd·θ added to the gradient before the Adam moments, as PyTorch `Adam(weight_decay=…)` and the paper do. `decoupled`: θ ← θ − lr·wd·θ beside the Adam step, as AdamW does.' },
  { key: 'beta1', kind: 'number', minimum: 0, maximum: 1, exclusiveMaximum: true, default: 0.9, doc: 'Adam β1.' },
  { key: 'beta2', kind: 'number', minimum: 0, maximum: 1, exclusiveMaximum: true, default: 0.999, doc: 'Adam β2.' },
  { key: 'epsilon', kind: 'number', minimum: 0, exclusiveMinimum: true, maximum: 1, default: 1e-8, doc: 'Adam ε.' },
  { key: 'batchSize', kind: 'integer', minimum: 1, maximum: 1_000_000, default: 64, taskDefaults: { ising: 300 },
    doc: 'Mini-batch size; the last batch of an epoch holds the remainder (42 of 8938 at 64). Ising trains on its full batch of 300.' },
  { key: 'batchOrder', kind: 'string', enum: ['fixed', 'reshuffle'], default: 'fixed',
    doc: '`fixed`: the training set is visited in the split order every epoch, as the paper does. `reshuffle`: a new order each epoch, drawn from orderSeed and the epoch.' },
  { key: 'epochs', kind: 'integer', minimum: 1, maximum: 10_000_000, default: 1000, taskDefaults: { ising: 100_000 },
    doc: 'Number of training epochs: 1000 for modular addition and 100,000 for Ising in the paper.' },
  { key: 'seed', kind: 'integer', minimum: 0, maximum: 4294967295,
    doc: 'Seed for the data split, initialisation and batch order. When absent, a seed is drawn and recorded in the run folder.' },
  { key: 'dataSeed', kind: 'integer', minimum: 0, maximum: 4294967295, doc: 'Overrides `seed` for the train/test split.' },
  { key: 'initSeed', kind: 'integer', minimum: 0, maximum: 4294967295, doc: 'Overrides `seed` for the initial parameters.' },
  { key: 'orderSeed', kind: 'integer', minimum: 0, maximum: 4294967295, doc: 'Overrides `seed` for the batch order (used when batchOrder is `reshuffle`).' },
  { key: 'checkpoints', kind: 'object', default: { everyEpochUntil: 500, thenEvery: 10 }, taskDefaults: { ising: { everyEpochUntil: 0, thenEvery: 200 } },
    doc: 'Checkpoint schedule: every epoch up to `everyEpochUntil`, then every `thenEvery` epochs; epoch 0 and the last epoch are always saved. Defaults: every epoch to 500, then every 10 (modular addition); every 200 (Ising).',
    fields: [
      { key: 'everyEpochUntil', kind: 'integer', minimum: 0, maximum: 10_000_000, default: 500, doc: 'Save after every epoch up to and including this epoch.' },
      { key: 'thenEvery', kind: 'integer', minimum: 1, maximum: 10_000_000, default: 10, doc: 'After that, save every this many epochs.' },
    ] },
  { key: 'lattice', kind: 'integer', minimum: 2, maximum: 256, default: 16, task: 'ising',
    doc: 'Ising only: side L of the periodic L×L lattice. The paper uses 16.' },
  { key: 'sweeps', kind: 'integer', minimum: 0, maximum: 100_000, default: 200, task: 'ising',
    doc: 'Ising only: heat-bath sweeps (L² random-site Glauber updates each) from a random start to each snapshot. Finite on purpose: some ordered snapshots stay in stripe states.' },
  { key: 'temperatureCount', kind: 'integer', minimum: 1, maximum: 10_000, default: 50, task: 'ising',
    doc: 'Ising only: temperatures evenly spaced over [T_c − 1, T_c + 1].' },
  { key: 'samplesPerTemperature', kind: 'integer', minimum: 1, maximum: 1_000_000, default: 1000, task: 'ising',
    doc: 'Ising only: snapshots generated at each temperature.' },
  { key: 'trainSize', kind: 'integer', minimum: 1, maximum: 10_000_000, default: 300, task: 'ising',
    doc: 'Ising only: training snapshots drawn by the data seed (the paper uses 300).' },
  { key: 'testSize', kind: 'integer', minimum: 1, maximum: 10_000_000, default: 1000, task: 'ising',
    doc: 'Ising only: test snapshots drawn by the data seed (the paper uses 1000).' },
  { key: 'convChannels', kind: 'integer-list', minimum: 1, maximum: 1024, default: [2, 4], task: 'ising',
    doc: 'Ising only: output channels of the two 3×3 convolutions, each followed by ReLU and 2×2 max-pooling.' },
  { key: 'lossPrecision', kind: 'string', enum: ['float64', 'float32'], default: 'float64',
    doc: 'Precision of the softmax cross-entropy. `float64` keeps the loss and its gradient non-zero for confident predictions, where float32 rounds them to exactly 0.' },
  { key: 'grokThreshold', kind: 'object', default: { mode: 'relative', margin: 0.05 },
    doc: 't_train and t_test are the first epochs whose accuracy is within `margin` of the run\'s maximum accuracy.',
    fields: [
      { key: 'mode', kind: 'string', enum: ['relative', 'absolute'], default: 'relative', doc: '`relative`: accuracy ≥ (1 − margin)·max. `absolute`: accuracy ≥ max − margin.' },
      { key: 'margin', kind: 'number', minimum: 0, maximum: 1, default: 0.05, doc: 'Margin below the maximum accuracy.' },
    ] },
];

/** Returns the default of a field for a task. */
export function defaultFor(spec: FieldSpec, task: TaskName): unknown {
  return spec.taskDefaults && task in spec.taskDefaults ? spec.taskDefaults[task] : spec.default;
}

export function findField(path: readonly string[]): FieldSpec | undefined {
  let fields: FieldSpec[] | undefined = CONFIG_FIELDS;
  let spec: FieldSpec | undefined;
  for (const key of path) {
    spec = fields?.find((f) => f.key === key);
    if (!spec) return undefined;
    fields = spec.fields;
  }
  return spec;
}

/** Keys whose value is derived from `seed` when they are absent. */
export const DERIVED_SEED_KEYS = ['dataSeed', 'initSeed', 'orderSeed'] as const satisfies readonly (keyof GrokConfig)[];
