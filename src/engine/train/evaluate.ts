import type { FloatArray, Kernels } from '../kernels/types';

/** A model seen by evaluation: logits for rows given by their active input indices. */
export interface Classifier {
  readonly classes: number;
  /** Active input indices per row. */
  readonly inputWidth: number;
  /** Fills and returns logits [rows, classes] for `index` [rows, inputWidth]. */
  forward(index: Int32Array, rows: number): FloatArray;
}

export interface Evaluation {
  /** Mean loss per example. */
  loss: number;
  /** Share of examples whose argmax logit is the target. */
  accuracy: number;
  /** Share of examples whose float32 loss is exactly 0. */
  collapsedFraction: number;
  count: number;
}

/**
 * Evaluates a classifier on a whole data set in batches of at most `batchRows`. Every example has the same
 * weight, so the result does not depend on the batch size (the loss up to float64 summation order).
 */
export class Evaluator {
  private readonly index: Int32Array;
  private readonly targets: Int32Array;

  constructor(
    private readonly kernels: Kernels,
    private readonly classifier: Classifier,
    readonly batchRows: number,
  ) {
    if (!Number.isInteger(batchRows) || batchRows < 1) throw new RangeError(`evaluation batch must be a positive integer, got ${batchRows}`);
    this.index = new Int32Array(batchRows * classifier.inputWidth);
    this.targets = new Int32Array(batchRows);
  }

  /** Evaluates the first `count` examples of `inputs` [count, inputWidth] and `targets` [count]. */
  evaluate(inputs: Int32Array, targets: Int32Array, count: number, float64: boolean): Evaluation {
    const width = this.classifier.inputWidth;
    return evaluateInBatches(this.kernels, this.classifier.classes, count, this.batchRows, float64, (start, rows) => {
      for (let i = 0; i < rows * width; i++) this.index[i] = inputs[start * width + i];
      for (let i = 0; i < rows; i++) this.targets[i] = targets[start + i];
      return { logits: this.classifier.forward(this.index, rows), targets: this.targets };
    });
  }
}

/**
 * Accumulates the softmax cross-entropy of `count` examples in batches of at most `batchRows`, in order.
 * `forwardBatch(start, rows)` returns the logits [rows, classes] and targets [rows] of examples [start, start + rows).
 */
export function evaluateInBatches(
  kernels: Kernels, classes: number, count: number, batchRows: number, float64: boolean,
  forwardBatch: (start: number, rows: number) => { logits: FloatArray; targets: Int32Array },
): Evaluation {
  if (count < 1) throw new RangeError('cannot evaluate an empty data set');
  let lossSum = 0;
  let correct = 0;
  let collapsed = 0;
  for (let start = 0; start < count; start += batchRows) {
    const rows = Math.min(batchRows, count - start);
    const { logits, targets } = forwardBatch(start, rows);
    const r = kernels.softmaxCrossEntropy(logits, targets, null, rows, classes, 1, float64);
    lossSum += r.lossSum;
    correct += r.correct;
    collapsed += r.collapsed;
  }
  return { loss: lossSum / count, accuracy: correct / count, collapsedFraction: collapsed / count, count };
}
