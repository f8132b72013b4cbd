/**
 * The resolved run configuration: every field has a value. Config files may omit fields, and the loader
 * fills them from the defaults in `fields.ts` and records which values were defaulted.
 */
export type TaskName = 'modular-addition' | 'ising';
export type Activation = 'relu';
export type InitName = 'xavier-normal' | 'pytorch-default';
export type OptimizerName = 'adam';
/** `coupled`: L2 added to the gradient before the Adam moments (PyTorch `Adam(weight_decay=…)`). `decoupled`: AdamW. */
export type WeightDecayMode = 'coupled' | 'decoupled';
/** `fixed`: the split order is used every epoch, as the code released with arXiv 2502.01739 does. `reshuffle`: a new order each epoch. */
export type BatchOrder = 'fixed' | 'reshuffle';
export type LossPrecision = 'float64' | 'float32';
/** `relative`: accuracy >= (1 - margin) * max. `absolute`: accuracy >= max - margin. */
export type GrokThresholdMode = 'relative' | 'absolute';

export interface CheckpointSchedule {
  /** Save a checkpoint after every epoch up to and including this epoch. */
  everyEpochUntil: number;
  /** After `everyEpochUntil`, save every this many epochs. */
  thenEvery: number;
}

export interface GrokConfig {
  task: TaskName;
  /** Modulus of the modular-addition task. */
  p: number;
  /** Share of all P² pairs used for training; the split takes floor(trainFraction · P²) pairs. */
  trainFraction: number;
  hiddenLayers: number[];
  activation: Activation;
  init: InitName;
  /** Weight multiplier w0: every parameter, biases included, is multiplied by it once after initialisation. */
  w0: number;
  optimizer: OptimizerName;
  learningRate: number;
  weightDecay: number;
  weightDecayMode: WeightDecayMode;
  beta1: number;
  beta2: number;
  epsilon: number;
  batchSize: number;
  batchOrder: BatchOrder;
  epochs: number;
  /** One seed for the data split, initialisation and batch order, unless a separate seed overrides it. */
  seed: number;
  dataSeed: number;
  initSeed: number;
  orderSeed: number;
  checkpoints: CheckpointSchedule;
  /** Ising only: lattice side L of the L×L periodic lattice. */
  lattice: number;
  /** Ising only: heat-bath sweeps (L² random-site updates each) from a random start to each snapshot. */
  sweeps: number;
  /** Ising only: number of temperatures, evenly spaced over [T_c − 1, T_c + 1]. */
  temperatureCount: number;
  samplesPerTemperature: number;
  /** Ising only: snapshots drawn by the data seed for training and for testing. */
  trainSize: number;
  testSize: number;
  /** Ising only: output channels of the two 3×3 convolutions. */
  convChannels: number[];
  lossPrecision: LossPrecision;
  grokThreshold: { mode: GrokThresholdMode; margin: number };
}
