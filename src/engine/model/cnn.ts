import type { InitName } from '../../shared/config/types';
import type { ConvKernels, FloatArray, Kernels } from '../kernels/types';
import type { Rng } from '../rng';
import { initLayer } from './init';
import type { TensorInfo } from './mlp';

/**
 * The Ising phase classifier: a 1×L×L spin image → [conv 3×3 (padding 1) → ReLU → 2×2 max-pool] per entry of
 * `channels` → flatten → [linear → ReLU] per entry of `hidden` → linear → logits. With L = 16, channels [2, 4],
 * hidden [100] and 2 classes it is the CNN of Manning-Coe et al. 2025 (arXiv 2502.01739): 6798 parameters.
 *
 * Layout of the flat parameter vector (and of the gradient, and of every checkpoint):
 *   conv1.W [c1, 1, 3, 3], conv1.b [c1], conv2.W [c2, c1, 3, 3], conv2.b [c2], …,
 *   fc1.W [flat, h1], fc1.b [h1], …, fcK.W [h_{K−1}, classes], fcK.b [classes]
 * Convolution weights are [out, in, kh, kw] as in torch.nn.Conv2d. Linear weights are stored [in, out]
 * row-major, the transpose of torch.nn.Linear.weight, as in the MLP. The flatten keeps NCHW order, so input
 * unit (c, y, x) of fc1 is row c·(L/4)² + y·(L/4) + x of fc1.W for two conv blocks.
 *
 * Pre-activations (the conv and hidden linear outputs before ReLU) stay in their own buffers after `forward`;
 * `preactivations` returns views of them.
 */

export interface CnnShape {
  /** Side L of the L×L single-channel input. */
  lattice: number;
  /** Output channels of each convolution block, input side first. */
  channels: number[];
  /** Widths of the hidden linear layers after the flatten. */
  hidden: number[];
  classes: number;
}

/** Taps of a 3×3 kernel; the paper's parameter count 6798 holds only for 3×3 convolutions. */
const KERNEL_TAPS = 9;

export interface Preactivation {
  /** conv1, conv2, …, then fc1, fc2, … for the hidden linear layers (the logits are not included). */
  name: string;
  /** [rows, channels, side, side] for a convolution, [rows, units] for a linear layer. */
  shape: number[];
  /** Row-major values of `shape`, a view that the next `forward` overwrites. */
  values: FloatArray;
}

interface ConvLayer {
  inChannels: number;
  outChannels: number;
  /** Height and width of the layer's input and of its convolution output. */
  side: number;
  weight: FloatArray;
  bias: FloatArray;
  dWeight: FloatArray;
  dBias: FloatArray;
  /** Convolution output before ReLU [maxRows, out, side, side], and its gradient. */
  pre: FloatArray;
  dPre: FloatArray;
  /**
   * relu(maxpool(pre)) [maxRows, out, side/2, side/2]. It equals maxpool(relu(pre)) because ReLU is monotone,
   * and ReLU after pooling touches a quarter of the values. `dPooled` is the gradient with respect to it, turned
   * in place into the gradient with respect to the pooled values before ReLU.
   */
  pooled: FloatArray;
  argmax: Int32Array;
  dPooled: FloatArray;
}

interface DenseLayer {
  fanIn: number;
  fanOut: number;
  weight: FloatArray;
  bias: FloatArray;
  dWeight: FloatArray;
  dBias: FloatArray;
  /** Output before ReLU [maxRows, fanOut]; the logits for the last layer. */
  pre: FloatArray;
  /** After ReLU, same shape; the last layer has none and reuses `pre`. */
  act: FloatArray;
  /** Gradient with respect to `act`, turned in place into the gradient with respect to `pre`. */
  dOut: FloatArray;
}

/** Throws a RangeError naming the first invalid field of `shape`. */
export function checkCnnShape(shape: CnnShape): void {
  const { lattice, channels, hidden, classes } = shape;
  if (channels.length === 0) throw new RangeError('the CNN needs at least one convolution block');
  for (const [name, list] of [['channels', channels], ['hidden', hidden]] as const) {
    for (const value of list) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`every entry of ${name} must be an integer ≥ 1, got ${value}`);
    }
  }
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`classes must be an integer ≥ 2, got ${classes}`);
  const divisor = 2 ** channels.length;
  if (!Number.isInteger(lattice) || lattice < divisor || lattice % divisor !== 0) {
    throw new RangeError(
      `lattice side L = ${lattice} must be a positive multiple of ${divisor}, because each of the ${channels.length} ` +
      'convolution blocks halves it with 2×2 max-pooling',
    );
  }
}

/** Returns the number of inputs of the first linear layer: last channels × (L / 2^blocks)². */
function flatSize(shape: CnnShape): number {
  const side = shape.lattice / 2 ** shape.channels.length;
  return shape.channels[shape.channels.length - 1] * side * side;
}

/** Counts the parameters of a CNN without building it. */
export function cnnParameterCount(shape: CnnShape): number {
  checkCnnShape(shape);
  let count = 0;
  let inChannels = 1;
  for (const out of shape.channels) {
    count += out * inChannels * KERNEL_TAPS + out;
    inChannels = out;
  }
  const sizes = [flatSize(shape), ...shape.hidden, shape.classes];
  for (let l = 0; l + 1 < sizes.length; l++) count += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return count;
}

export class Cnn {
  readonly params: FloatArray;
  readonly grads: FloatArray;
  readonly parameterCount: number;
  readonly tensors: TensorInfo[];
  /** Parameter ranges [start, end) of each layer, weight then bias: the convolutions, then the linear layers. */
  readonly layerRanges: { start: number; end: number }[];
  /** Floats per input row, L². */
  readonly inputSize: number;
  private readonly convs: ConvLayer[];
  private readonly dense: DenseLayer[];

  /**
   * Allocates parameters, gradients and activations for up to `maxRows` rows per pass. `alloc` defaults to the
   * kernel set's allocator; tests pass a Float64Array allocator to run the same code in float64.
   */
  constructor(
    private readonly kernels: Kernels,
    private readonly conv: ConvKernels,
    readonly shape: CnnShape,
    readonly maxRows: number,
    alloc: (length: number) => FloatArray = (length) => kernels.alloc(length),
  ) {
    this.parameterCount = cnnParameterCount(shape);
    if (!Number.isInteger(maxRows) || maxRows < 1) throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);
    this.params = alloc(this.parameterCount);
    this.grads = alloc(this.parameterCount);
    this.inputSize = shape.lattice * shape.lattice;
    this.tensors = [];
    this.layerRanges = [];
    this.convs = [];
    this.dense = [];

    let offset = 0;
    const take = (name: string, tensorShape: number[]): { values: FloatArray; grad: FloatArray } => {
      const length = tensorShape.reduce((a, b) => a * b, 1);
      this.tensors.push({ name, shape: tensorShape });
      const range = { values: this.params.subarray(offset, offset + length), grad: this.grads.subarray(offset, offset + length) };
      offset += length;
      return range;
    };

    let inChannels = 1;
    let side = shape.lattice;
    shape.channels.forEach((outChannels, l) => {
      const start = offset;
      const w = take(`conv${l + 1}.W`, [outChannels, inChannels, 3, 3]);
      const b = take(`conv${l + 1}.b`, [outChannels]);
      this.layerRanges.push({ start, end: offset });
      const full = maxRows * outChannels * side * side;
      this.convs.push({
        inChannels, outChannels, side,
        weight: w.values, bias: b.values, dWeight: w.grad, dBias: b.grad,
        pre: alloc(full), dPre: alloc(full),
        pooled: alloc(full / 4), argmax: new Int32Array(full / 4), dPooled: alloc(full / 4),
      });
      inChannels = outChannels;
      side /= 2;
    });

    const sizes = [flatSize(shape), ...shape.hidden, shape.classes];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const [fanIn, fanOut] = [sizes[l], sizes[l + 1]];
      const start = offset;
      const w = take(`fc${l + 1}.W`, [fanIn, fanOut]);
      const b = take(`fc${l + 1}.b`, [fanOut]);
      this.layerRanges.push({ start, end: offset });
      const pre = alloc(maxRows * fanOut);
      const last = l + 2 === sizes.length;
      this.dense.push({
        fanIn, fanOut,
        weight: w.values, bias: b.values, dWeight: w.grad, dBias: b.grad,
        pre, act: last ? pre : alloc(maxRows * fanOut), dOut: alloc(maxRows * fanOut),
      });
    }
  }

  get classes(): number {
    return this.shape.classes;
  }

  /** The logits buffer [maxRows, classes] that `forward` fills; `backward` reads its gradient from `dLogits`. */
  get logits(): FloatArray {
    return this.dense[this.dense.length - 1].pre;
  }

  get dLogits(): FloatArray {
    return this.dense[this.dense.length - 1].dOut;
  }

  /**
   * Draws initial parameters tensor by tensor in the flat order, then multiplies every parameter, biases
   * included, by w0. fan_in is in·9 for a convolution and the input width for a linear layer; fan_out is out·9
   * or the output width.
   *   pytorch-default: W, b ~ U(−1/√fan_in, 1/√fan_in) (the defaults of torch.nn.Conv2d and torch.nn.Linear).
   *   xavier-normal:   W ~ N(0, 2/(fan_in + fan_out)), b = 0.
   * The draws do not reproduce PyTorch's random stream, only its distributions.
   */
  init(rng: Rng, scheme: InitName, w0: number): void {
    const layers = [
      ...this.convs.map((c) => ({ weight: c.weight, bias: c.bias, fanIn: c.inChannels * KERNEL_TAPS, fanOut: c.outChannels * KERNEL_TAPS })),
      ...this.dense.map((d) => ({ weight: d.weight, bias: d.bias, fanIn: d.fanIn, fanOut: d.fanOut })),
    ];
    for (const { weight, bias, fanIn, fanOut } of layers) initLayer(weight, bias, fanIn, fanOut, rng, scheme, w0);
  }

  /** Computes the logits of `rows` spin images `input` [rows, 1, L, L]. */
  forward(input: FloatArray, rows: number): FloatArray {
    const k = this.kernels;
    this.checkRows(rows);
    if (input.length < rows * this.inputSize) throw new RangeError(`input has ${input.length} values, but ${rows} rows of ${this.inputSize} need ${rows * this.inputSize}`);

    let x = input;
    for (const c of this.convs) {
      // pre[rows, out, s, s] = conv3x3(x) + b,  pooled[rows, out, s/2, s/2] = relu(maxpool(pre))
      this.conv.conv3x3Forward(x, c.weight, c.bias, c.pre, rows, c.inChannels, c.outChannels, c.side, c.side);
      this.conv.maxPool2x2Forward(c.pre, c.pooled, c.argmax, rows, c.outChannels, c.side, c.side);
      k.relu(c.pooled, c.pooled, rows * c.outChannels * c.side * c.side / 4);
      x = c.pooled;
    }
    for (let l = 0; l < this.dense.length; l++) {
      const d = this.dense[l];
      // pre[rows, fanOut] = x[rows, fanIn] · W[fanIn, fanOut] + b,  act = relu(pre) except for the logits
      k.matmul(x, d.weight, d.pre, rows, d.fanIn, d.fanOut);
      k.addBias(d.pre, d.bias, rows, d.fanOut);
      if (l < this.dense.length - 1) k.relu(d.pre, d.act, rows * d.fanOut);
      x = d.act;
    }
    return this.logits;
  }

  /**
   * Overwrites `grads` with the gradient of the loss whose logit gradient is in `dLogits` [rows, classes], for
   * the rows of the last `forward` call on the same `input`.
   */
  backward(input: FloatArray, rows: number): void {
    const k = this.kernels;
    this.checkRows(rows);
    const lastConv = this.convs[this.convs.length - 1];

    for (let l = this.dense.length - 1; l >= 0; l--) {
      const d = this.dense[l];
      const below = l > 0 ? this.dense[l - 1] : undefined;
      const x = below ? below.act : lastConv.pooled;
      const dx = below ? below.dOut : lastConv.dPooled;
      // Undoes pre = x · W + b:  dW = xᵀ · dPre,  db = Σ_rows dPre,  dx = dPre · Wᵀ
      k.matmulTransA(x, d.dOut, d.dWeight, d.fanIn, rows, d.fanOut);
      k.sumRows(d.dOut, d.dBias, rows, d.fanOut);
      k.matmulTransB(d.dOut, d.weight, dx, rows, d.fanOut, d.fanIn);
      // Undoes the ReLU that produced the hidden activation below.
      if (below) k.reluBackward(below.act, dx, dx, rows * below.fanOut);
    }

    for (let l = this.convs.length - 1; l >= 0; l--) {
      const c = this.convs[l];
      const below = l > 0 ? this.convs[l - 1] : undefined;
      // Undoes the ReLU, then the max-pool, then the convolution; the input image needs no gradient.
      k.reluBackward(c.pooled, c.dPooled, c.dPooled, rows * c.outChannels * c.side * c.side / 4);
      this.conv.maxPool2x2Backward(c.dPooled, c.argmax, c.dPre, rows, c.outChannels, c.side, c.side);
      c.dWeight.fill(0);
      c.dBias.fill(0);
      this.conv.conv3x3Backward(
        below ? below.pooled : input, c.weight, c.dPre, below ? below.dPooled : null, c.dWeight, c.dBias,
        rows, c.inChannels, c.outChannels, c.side, c.side,
      );
    }
  }

  /**
   * Returns views of the pre-activations of the last `forward` call's first `rows` rows: every convolution
   * output before its ReLU (before pooling), then every hidden linear output before its ReLU.
   */
  preactivations(rows: number): Preactivation[] {
    this.checkRows(rows);
    const out: Preactivation[] = [];
    this.convs.forEach((c, l) => {
      const shape = [rows, c.outChannels, c.side, c.side];
      out.push({ name: `conv${l + 1}`, shape, values: c.pre.subarray(0, rows * c.outChannels * c.side * c.side) });
    });
    for (let l = 0; l + 1 < this.dense.length; l++) {
      const d = this.dense[l];
      out.push({ name: `fc${l + 1}`, shape: [rows, d.fanOut], values: d.pre.subarray(0, rows * d.fanOut) });
    }
    return out;
  }

  /** Returns the squared Euclidean norm of each layer's parameters (weight and bias), in `layerRanges` order. */
  layerSquaredNorms(out: number[]): number[] {
    out.length = this.layerRanges.length;
    for (let l = 0; l < this.layerRanges.length; l++) {
      const { start, end } = this.layerRanges[l];
      out[l] = this.kernels.sumSquares(this.params.subarray(start, end), end - start);
    }
    return out;
  }

  private checkRows(rows: number): void {
    if (!Number.isInteger(rows) || rows < 1 || rows > this.maxRows) throw new RangeError(`${rows} rows do not fit the CNN's buffers of ${this.maxRows} rows`);
  }
}
