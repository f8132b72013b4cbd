import type { FloatArray } from '../kernels/types';
import type { TensorInfo } from '../model/mlp';
import type { Classifier } from '../train/evaluate';

/**
 * Per-layer magnitude pruning and compressibility (Manning-Coe et al. 2025, arXiv 2502.01739, §5): at grid point
 * i of 0..100, each weight matrix or convolution kernel of n entries has its k = ⌊i·n/100⌋ smallest entries
 * zeroed, ranked by (|w|, index) so that ties go to the lowest index and exactly k entries are zeroed. Biases
 * (rank-1 tensors) stay untouched. The test accuracy a(p) of each pruned copy, without retraining, gives the
 * area A = ∫₀¹ a(p) dp by the trapezoid rule over the realised fractions, and the compressibility c = 1/(1 − A).
 */

/** Intervals of the pruning grid: fractions 0, 0.01, …, 1.00 give 101 points. */
export const PRUNING_GRID_STEPS = 100;

/**
 * Layers of up to 2²¹ entries are sorted by a packed float64 key (float32 magnitude bits · 2²¹ + index), which
 * stays an exact integer below 2⁵³ and sorts without a comparator.
 */
const PACKED_INDEX_BITS = 21;
const PACKED_INDEX_RANGE = 2 ** PACKED_INDEX_BITS;
/** Bits of float32 +Infinity; NaN magnitudes rank as +Infinity. */
const FLOAT32_INFINITY_BITS = 0x7f800000;

/** One prunable tensor: a weight matrix or convolution kernel, as a range of the flat parameter vector. */
export interface PrunedLayer {
  name: string;
  /** Offset of the tensor's first entry in the flat parameter vector. */
  start: number;
  /** Number of entries n. */
  size: number;
}

export interface PruningPoint {
  /** Grid index i in 0..PRUNING_GRID_STEPS. */
  gridIndex: number;
  /** The requested fraction i/100. */
  requested: number;
  /** Zeroed entries per layer, ⌊i·n/100⌋, in `layers` order. */
  pruned: number[];
  /** Zeroed weights over all pruned layers: Σ pruned / Σ n. The curve's x value. */
  realised: number;
  /** Test accuracy of the pruned copy, a fraction in [0, 1]. */
  accuracy: number;
}

export interface PruningCurve {
  layers: PrunedLayer[];
  points: PruningPoint[];
  /** Trapezoid area under accuracy against the realised fraction. */
  area: number;
  /** 1/(1 − area); +Infinity when the accuracy stays 1 up to full pruning. */
  compressibility: number;
}

/** The parameter copy that a sweep prunes and evaluates. */
export interface PruningTarget {
  readonly params: FloatArray;
  readonly tensors: readonly TensorInfo[];
}

/** Returns k = ⌊i·n/steps⌋ computed in integer arithmetic, so that i = 29, n = 100 gives 29 (⌊0.29·100⌋ is 28 in float64). */
export function prunedCount(gridIndex: number, size: number, steps = PRUNING_GRID_STEPS): number {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`grid steps must be a positive integer, got ${steps}`);
  if (!Number.isInteger(gridIndex) || gridIndex < 0 || gridIndex > steps) throw new RangeError(`grid index must be an integer in [0, ${steps}], got ${gridIndex}`);
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`layer size must be a non-negative integer, got ${size}`);
  const product = gridIndex * size;
  if (!Number.isSafeInteger(product)) throw new RangeError(`grid index ${gridIndex} × layer size ${size} exceeds 2^53`);
  return (product - (product % steps)) / steps;
}

/** Returns the weight tensors (rank ≥ 2: matrices and convolution kernels) of a flat parameter layout. */
export function prunedLayers(tensors: readonly TensorInfo[]): PrunedLayer[] {
  const layers: PrunedLayer[] = [];
  let offset = 0;
  for (const tensor of tensors) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    if (tensor.shape.length >= 2) layers.push({ name: tensor.name, start: offset, size });
    offset += size;
  }
  return layers;
}

/**
 * Returns the indices of `weights` in the order they are pruned: ascending |w|, equal magnitudes by ascending
 * index. NaN ranks as +Infinity, and −0 as +0.
 */
export function pruningOrder(weights: FloatArray): Uint32Array {
  const n = weights.length;
  const order = new Uint32Array(n);
  if (weights instanceof Float32Array && n <= PACKED_INDEX_RANGE) {
    // Non-negative float32 values order like their bit patterns, so |w| bits · 2²¹ + index sorts by (|w|, index).
    const bits = new Uint32Array(weights.buffer, weights.byteOffset, n);
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i++) keys[i] = Math.min(bits[i] & 0x7fffffff, FLOAT32_INFINITY_BITS) * PACKED_INDEX_RANGE + i;
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i] % PACKED_INDEX_RANGE;
    return order;
  }
  const magnitude = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    magnitude[i] = w !== w ? Infinity : Math.abs(w);
    order[i] = i;
  }
  order.sort((a, b) => {
    if (magnitude[a] !== magnitude[b]) return magnitude[a] < magnitude[b] ? -1 : 1;
    return a - b;
  });
  return order;
}

/**
 * Zeroes the weights of a parameter copy along the pruning grid. The order of each layer is computed once from
 * the source parameters, and each step zeroes only the entries added since the previous grid point, so a
 * sweep costs one sort per layer plus n writes per layer in total.
 */
export class MagnitudePruner {
  readonly layers: PrunedLayer[];
  private readonly orders: Uint32Array[];
  /** Grid index that `target` is pruned to; −1 before `reset`. */
  private current = -1;
  private readonly pruned: number[];

  constructor(private readonly source: FloatArray, tensors: readonly TensorInfo[], private readonly target: FloatArray) {
    const total = tensors.reduce((sum, t) => sum + t.shape.reduce((a, b) => a * b, 1), 0);
    if (source.length !== total) throw new RangeError(`the source has ${source.length} parameters, but the tensors need ${total}`);
    if (target.length !== total) throw new RangeError(`the pruning target has ${target.length} parameters, but the tensors need ${total}`);
    if (sharesMemory(source, target)) throw new Error('the pruning target overlaps the source parameters; prune a copy, never the training state');
    this.layers = prunedLayers(tensors);
    if (this.layers.length === 0) throw new RangeError('the model has no weight matrix or kernel to prune');
    this.orders = this.layers.map((l) => pruningOrder(source.subarray(l.start, l.start + l.size)));
    this.pruned = this.layers.map(() => 0);
  }

  /** Copies the source into the target, unpruned. */
  reset(): void {
    this.target.set(this.source);
    this.pruned.fill(0);
    this.current = 0;
  }

  /**
   * Prunes the target to grid index `gridIndex` and returns the zeroed count per layer. Moving forward zeroes
   * the new entries only; moving back starts again from the source.
   */
  pruneTo(gridIndex: number): number[] {
    if (gridIndex < this.current || this.current < 0) this.reset();
    this.layers.forEach((layer, l) => {
      const k = prunedCount(gridIndex, layer.size);
      const order = this.orders[l];
      for (let j = this.pruned[l]; j < k; j++) this.target[layer.start + order[j]] = 0;
      this.pruned[l] = k;
    });
    this.current = gridIndex;
    return [...this.pruned];
  }
}

/**
 * Runs the 101-point sweep: copies `source` into `target.params` (a separate model of the same shape), prunes it
 * along the grid and calls `testAccuracy` at each point, e.g. `() => task.evaluate('test', false).accuracy` of
 * the task that owns `target`. `source` is only read. `target.params` ends fully pruned.
 *
 * The 101 evaluations dominate. Pass an `ArgmaxAccuracy` as `testAccuracy` to skip the softmax that a full
 * evaluation computes for the loss; bench/pruning.ts measures both.
 */
export function magnitudePruningSweep(source: FloatArray, target: PruningTarget, testAccuracy: () => number): PruningCurve {
  const pruner = new MagnitudePruner(source, target.tensors, target.params);
  const totalSize = pruner.layers.reduce((sum, l) => sum + l.size, 0);
  const points: PruningPoint[] = [];
  for (let i = 0; i <= PRUNING_GRID_STEPS; i++) {
    const pruned = pruner.pruneTo(i);
    const accuracy = testAccuracy();
    if (!(accuracy >= 0 && accuracy <= 1)) throw new RangeError(`test accuracy must be a fraction in [0, 1], got ${accuracy} at grid point ${i}`);
    const zeroed = pruned.reduce((a, b) => a + b, 0);
    points.push({ gridIndex: i, requested: i / PRUNING_GRID_STEPS, pruned, realised: zeroed / totalSize, accuracy });
  }
  const area = trapezoidArea(points.map((p) => p.realised), points.map((p) => p.accuracy));
  return { layers: pruner.layers, points, area, compressibility: compressibility(area) };
}

/** Returns ∫ y dx over the points (x[j], y[j]) by the trapezoid rule; x must not decrease. */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError(`trapezoid needs as many x as y values, got ${x.length} and ${y.length}`);
  let area = 0;
  for (let j = 1; j < x.length; j++) {
    const dx = x[j] - x[j - 1];
    if (dx < 0) throw new RangeError(`trapezoid x values must not decrease, but x[${j}] = ${x[j]} < x[${j - 1}] = ${x[j - 1]}`);
    area += (dx * (y[j] + y[j - 1])) / 2;
  }
  return area;
}

/** Returns c = 1/(1 − area) for an accuracy area in [0, 1]; +Infinity at area 1. */
export function compressibility(area: number): number {
  if (!(area >= 0 && area <= 1)) throw new RangeError(`the accuracy area must lie in [0, 1], got ${area}`);
  return area === 1 ? Infinity : 1 / (1 - area);
}

function sharesMemory(a: FloatArray, b: FloatArray): boolean {
  if (a.buffer !== b.buffer) return false;
  return a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/**
 * Test accuracy without the loss: the share of rows whose argmax logit is the target, the first of equal maxima
 * winning as in `Kernels.softmaxCrossEntropy`. A pruning sweep needs only the accuracy, and skipping the float64
 * softmax of every row halves an evaluation of the 226-512-113 MLP (bench/pruning.ts).
 */
export class ArgmaxAccuracy {
  private readonly index: Int32Array;

  /**
   * `inputs` [count, inputWidth] and `targets` [count] are the rows to classify, in batches of `batchRows`, which
   * must not exceed the rows that the classifier's buffers hold.
   */
  constructor(
    private readonly classifier: Classifier,
    private readonly inputs: Int32Array,
    private readonly targets: Int32Array,
    private readonly batchRows: number,
  ) {
    if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`evaluation batch must be a positive integer, got ${batchRows}`);
    if (targets.length < 1) throw new RangeError('cannot evaluate an empty data set');
    if (inputs.length !== targets.length * classifier.inputWidth) {
      throw new RangeError(`inputs has ${inputs.length} indices, but ${targets.length} rows of width ${classifier.inputWidth} need ${targets.length * classifier.inputWidth}`);
    }
    this.index = new Int32Array(batchRows * classifier.inputWidth);
  }

  /** Returns the accuracy of the classifier's current parameters, a fraction in [0, 1]. */
  accuracy(): number {
    const width = this.classifier.inputWidth;
    const classes = this.classifier.classes;
    const count = this.targets.length;
    let correct = 0;
    for (let start = 0; start < count; start += this.batchRows) {
      const rows = Math.min(this.batchRows, count - start);
      this.index.set(this.inputs.subarray(start * width, (start + rows) * width));
      const logits = this.classifier.forward(this.index, rows);
      for (let r = 0; r < rows; r++) {
        const base = r * classes;
        let max = logits[base];
        let argmax = 0;
        for (let j = 1; j < classes; j++) {
          if (logits[base + j] > max) {
            max = logits[base + j];
            argmax = j;
          }
        }
        if (argmax === this.targets[start + r]) correct++;
      }
    }
    return correct / count;
  }
}
