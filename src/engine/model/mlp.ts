import type { InitName } from '../../shared/config/types';
import type { FloatArray, Kernels } from '../kernels/types';
import type { Rng } from '../rng';
import { initLayer } from './init';

/**
 * A multilayer perceptron on many-hot inputs: inputs → hidden… → outputs, ReLU after every hidden layer, logits
 * out. The first layer reads only the `inputWidth` active indices of each row, so its forward pass is a gather
 * of weight rows and its backward pass a scatter-add (equal to a dense layer on the 0/1 input vector).
 *
 * Layout of the flat parameter vector (and of the gradient, and of every checkpoint):
 *   W1 [inputs, h1], b1 [h1], W2 [h1, h2], b2 [h2], …, WL [h_{L−1}, outputs], bL [outputs]
 * Each weight is stored [in, out] row-major, i.e. the transpose of PyTorch's Linear.weight [out, in].
 */

export interface MlpShape {
  inputs: number;
  hidden: number[];
  outputs: number;
  /** Active inputs per row (2 for the two-hot modular-addition input). */
  inputWidth: number;
}

export interface TensorInfo {
  name: string;
  shape: number[];
}

interface Layer {
  fanIn: number;
  fanOut: number;
  weight: FloatArray;
  bias: FloatArray;
  dWeight: FloatArray;
  dBias: FloatArray;
  /** Layer output [maxRows, fanOut]: post-ReLU for hidden layers, logits for the last. */
  out: FloatArray;
  /** Gradient of the loss with respect to `out` [maxRows, fanOut]. */
  dOut: FloatArray;
}

/** Counts the parameters of an MLP without building it. */
export function mlpParameterCount(shape: MlpShape): number {
  const sizes = [shape.inputs, ...shape.hidden, shape.outputs];
  let count = 0;
  for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return count;
}

export class Mlp {
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  /** Parameter ranges [start, end) of each layer, weight then bias, input side first. */
  readonly layerRanges: { start: number; end: number }[];
  private readonly layers: Layer[];

  /**
   * Allocates parameters, gradients and activations for up to `maxRows` rows per pass. `alloc` defaults to the
   * kernel set's allocator; tests pass a Float64Array allocator to run the same code in float64.
   */
  constructor(
    private readonly kernels: Kernels,
    readonly shape: MlpShape,
    readonly maxRows: number,
    alloc: (length: number) => FloatArray = (length) => kernels.alloc(length),
  ) {
    if (shape.hidden.length === 0) throw new RangeError('the MLP needs at least one hidden layer');
    const sizes = [shape.inputs, ...shape.hidden, shape.outputs];
    this.parameterCount = mlpParameterCount(shape);
    this.params = alloc(this.parameterCount);
    this.grads = alloc(this.parameterCount);
    this.tensors = [];
    this.layerRanges = [];
    this.layers = [];
    let offset = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const fanIn = sizes[l];
      const fanOut = sizes[l + 1];
      const start = offset;
      const weightEnd = offset + fanIn * fanOut;
      const biasEnd = weightEnd + fanOut;
      this.tensors.push({ name: `W${l + 1}`, shape: [fanIn, fanOut] }, { name: `b${l + 1}`, shape: [fanOut] });
      this.layerRanges.push({ start, end: biasEnd });
      this.layers.push({
        fanIn,
        fanOut,
        weight: this.params.subarray(start, weightEnd),
        bias: this.params.subarray(weightEnd, biasEnd),
        dWeight: this.grads.subarray(start, weightEnd),
        dBias: this.grads.subarray(weightEnd, biasEnd),
        out: alloc(maxRows * fanOut),
        dOut: alloc(maxRows * fanOut),
      });
      offset = biasEnd;
    }
  }

  get classes(): number {
    return this.shape.outputs;
  }

  get inputWidth(): number {
    return this.shape.inputWidth;
  }

  /** The logits buffer [maxRows, outputs] that `forward` fills; `backward` reads its gradient from `dLogits`. */
  get logits(): FloatArray {
    return this.layers[this.layers.length - 1].out;
  }

  get dLogits(): FloatArray {
    return this.layers[this.layers.length - 1].dOut;
  }

  /**
   * Draws initial parameters layer by layer (W1, b1, W2, …, each weight in row-major [in, out] order), then
   * multiplies every parameter, biases included, by w0.
   *   xavier-normal:   W ~ N(0, 2/(fan_in + fan_out)), b = 0 (the MLP of Manning-Coe et al. 2025, arXiv 2502.01739).
   *   pytorch-default: W, b ~ U(−1/√fan_in, 1/√fan_in) (torch.nn.Linear's default).
   * The draws do not reproduce PyTorch's random stream, only its distributions.
   */
  init(rng: Rng, scheme: InitName, w0: number): void {
    for (const { weight, bias, fanIn, fanOut } of this.layers) initLayer(weight, bias, fanIn, fanOut, rng, scheme, w0);
  }

  /** Computes the logits of `rows` rows whose active input indices are `index` [rows, inputWidth]. */
  forward(index: Int32Array, rows: number): FloatArray {
    const k = this.kernels;
    const first = this.layers[0];
    this.checkRows(rows);
    // h1[rows, h1] = relu(b1 + Σ W1[active, :])
    k.gatherRows(first.weight, first.bias, index, this.shape.inputWidth, first.out, rows, first.fanOut);
    k.relu(first.out, first.out, rows * first.fanOut);
    for (let l = 1; l < this.layers.length; l++) {
      const prev = this.layers[l - 1];
      const layer = this.layers[l];
      // out[rows, fanOut] = prev.out[rows, fanIn] · W[fanIn, fanOut] + b
      k.matmul(prev.out, layer.weight, layer.out, rows, layer.fanIn, layer.fanOut);
      k.addBias(layer.out, layer.bias, rows, layer.fanOut);
      if (l < this.layers.length - 1) k.relu(layer.out, layer.out, rows * layer.fanOut);
    }
    return this.logits;
  }

  /**
   * Overwrites `grads` with the gradient of the loss whose logit gradient is in `dLogits` [rows, outputs], for
   * the rows of the last `forward` call.
   */
  backward(index: Int32Array, rows: number): void {
    const k = this.kernels;
    this.checkRows(rows);
    for (let l = this.layers.length - 1; l >= 1; l--) {
      const prev = this.layers[l - 1];
      const layer = this.layers[l];
      // Undoes out = prev.out · W + b:
      //   dW[fanIn, fanOut] = prev.outᵀ · dOut,  db[fanOut] = Σ_rows dOut,  dPrev[rows, fanIn] = dOut · Wᵀ
      k.matmulTransA(prev.out, layer.dOut, layer.dWeight, layer.fanIn, rows, layer.fanOut);
      k.sumRows(layer.dOut, layer.dBias, rows, layer.fanOut);
      k.matmulTransB(layer.dOut, layer.weight, prev.dOut, rows, layer.fanOut, layer.fanIn);
      // Undoes the ReLU that produced prev.out.
      k.reluBackward(prev.out, prev.dOut, prev.dOut, rows * prev.fanOut);
    }
    // Undoes the gather: dW1 is zero except in the rows that were read.
    const first = this.layers[0];
    first.dWeight.fill(0);
    k.scatterAddRows(first.dOut, index, this.shape.inputWidth, first.dWeight, rows, first.fanOut);
    k.sumRows(first.dOut, first.dBias, rows, first.fanOut);
  }

  /** Returns the squared Euclidean norm of each layer's parameters (weight and bias), input side first. */
  layerSquaredNorms(out: number[]): number[] {
    out.length = this.layers.length;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      out[l] = this.kernels.sumSquares(layer.weight, layer.weight.length) + this.kernels.sumSquares(layer.bias, layer.bias.length);
    }
    return out;
  }

  private checkRows(rows: number): void {
    if (rows < 1 || rows > this.maxRows) throw new RangeError(`${rows} rows do not fit the MLP's buffers of ${this.maxRows} rows`);
  }
}
