/** The timing protocol shared by the engine side and the PyTorch side of `npm run bench`. */

export interface RunPlan {
  /** Steps (or epochs) run once before timing, so that V8 and the allocators settle. */
  warmup: number;
  /** Steps per timed run; the run's figure is its mean ms per step. */
  steps: number;
  /** Timed runs; the table shows their median, minimum and maximum. */
  runs: number;
}

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Returns the median (the upper one for an even count), minimum and maximum of `values`. */
export function summarise(values: number[]): Summary {
  if (values.length === 0) throw new RangeError('cannot summarise an empty list of timings');
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], runs: sorted.length };
}

/**
 * Parameters, Adam moments and step count to start timed steps from. `perStepRestore` marks a state that one
 * step leaves behind, so it is restored before every timed step, outside the timing.
 */
export interface OptimiserState {
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
  step: number;
  perStepRestore: boolean;
}

/**
 * The late-training state of both sides: the fresh parameters times 1e-21 and Adam moments of about 1.5e-38. Such
 * parameters (|θ| ≈ 1e-21 to 1e-20 at w0 = 10) make every product of two parameters subnormal (below 1.18e-38),
 * and the moments sit just above the smallest normal float32. It stands for a run whose weight decay has shrunk
 * the weights for a long time; bench/reference/torch_bench.py builds the same state.
 */
export const LATE_PARAM_SCALE = 1e-21;
export const LATE_MOMENT = 1.5e-38;
export const LATE_STEP = 100000;
