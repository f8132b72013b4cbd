/**
 * The numeric kernels that training and analysis call per step. Every buffer passed to a kernel must come from
 * the same kernel set's `alloc`, so that a WebAssembly implementation can hand out views of its own memory.
 * Matrices are row-major. Shapes are given as [rows, cols].
 *
 * The TypeScript set also accepts Float64Array buffers; gradient tests run it in float64.
 */
export type FloatArray = Float32Array | Float64Array;

export interface Kernels {
  /** Name recorded in each run's config.json and in the log. */
  readonly name: string;

  /** Allocates a zeroed buffer of `length` floats that stays valid for the kernel set's lifetime. */
  alloc(length: number): Float32Array;

  /** C[m,n] = A[m,k]·B[k,n], or C += A·B when `accumulate` is true. */
  matmul(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate?: boolean): void;
  /** C[m,n] = A[m,k]·B[n,k]ᵀ, or C += … when `accumulate` is true. */
  matmulTransB(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate?: boolean): void;
  /** C[m,n] = A[k,m]ᵀ·B[k,n], or C += … when `accumulate` is true. */
  matmulTransA(a: FloatArray, b: FloatArray, c: FloatArray, m: number, k: number, n: number, accumulate?: boolean): void;

  /**
   * Y[b,n] = bias[n] + Σ_j W[index[b,j], n] for the `width` active inputs of each row: the forward pass of a
   * linear layer on a many-hot input, computed as a gather of weight rows. `index` has `rows·width` entries.
   */
  gatherRows(weight: FloatArray, bias: FloatArray, index: Int32Array, width: number, y: FloatArray, rows: number, n: number): void;
  /** dW[index[b,j], n] += dY[b,n] for every row and active input: the backward pass of `gatherRows` for W. */
  scatterAddRows(dy: FloatArray, index: Int32Array, width: number, dWeight: FloatArray, rows: number, n: number): void;

  /** Y[r,n] += bias[n] for every row. */
  addBias(y: FloatArray, bias: FloatArray, rows: number, n: number): void;
  /** dBias[n] (+)= Σ_r dY[r,n]. */
  sumRows(dy: FloatArray, dBias: FloatArray, rows: number, n: number, accumulate?: boolean): void;
  /** Y = max(X, 0) elementwise over `length` entries; may be in place. */
  relu(x: FloatArray, y: FloatArray, length: number): void;
  /** dX = dY where the forward output Y > 0, else 0; may be in place on dY. */
  reluBackward(y: FloatArray, dy: FloatArray, dx: FloatArray, length: number): void;

  /**
   * Softmax cross-entropy over `rows` rows of `classes` logits with integer targets. Writes dLogits = (softmax −
   * onehot)·gradScale and returns the summed loss, the number of correct argmax predictions and the number of
   * rows whose float32 loss rounds to exactly 0. The loss is reduced in float64 when `float64` is true.
   */
  softmaxCrossEntropy(
    logits: FloatArray, targets: Int32Array, dLogits: FloatArray | null, rows: number, classes: number,
    gradScale: number, float64: boolean,
  ): { lossSum: number; correct: number; collapsed: number };

  /**
   * One Adam step on `length` parameters, with bias-corrected moments. `step` counts from 1. `coupled` adds
   * wd·θ to the gradient before the moments (PyTorch Adam); otherwise θ ← θ − lr·wd·θ beside the step (AdamW).
   * Moments whose magnitude falls below the smallest normal float32 (2⁻¹²⁶) and parameters below 2⁻⁶³ are written
   * as 0 (flush to zero), so that no product of two parameters is subnormal. Subnormal arithmetic is many times
   * slower on x86, and the paper's PyTorch runs flush subnormals too.
   */
  adamStep(
    param: FloatArray, grad: FloatArray, m: FloatArray, v: FloatArray, length: number,
    step: number, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, coupled: boolean,
  ): void;

  /** Σ x² over `length` entries, accumulated in float64. */
  sumSquares(x: FloatArray, length: number): number;

  /**
   * Convolution kernels that work on this set's own memory, when the set has them. A set without them leaves it
   * undefined, and callers use the TypeScript convolution set (see `loadConvKernels`).
   */
  readonly conv?: ConvKernels;

  /**
   * Stops what the set runs beside its memory (the WebAssembly set's helper thread). The set keeps working
   * afterwards, on one thread. Calling it is optional, because a helper thread never keeps a process alive.
   */
  dispose?(): void;
}

/**
 * Convolution and pooling kernels of the Ising CNN, kept apart from `Kernels` so that a kernel set can offer them
 * or not. Tensors are NCHW row-major: element (b, c, y, x) of a [batch, channels, height, width] tensor is at
 * ((b·channels + c)·height + y)·width + x. Buffers come from the companion `Kernels` set's `alloc` (or are any
 * arrays for the TypeScript set).
 */
export interface ConvKernels {
  readonly name: string;

  /**
   * Y[b,o,y,x] = bias[o] + Σ_{i,dy,dx} W[o,i,dy,dx]·X[b,i,y+dy−1,x+dx−1]: a 3×3 convolution with stride 1 and
   * zero padding 1, so Y has X's height and width. W is [outChannels, inChannels, 3, 3] as in torch.nn.Conv2d.
   */
  conv3x3Forward(
    input: FloatArray, weight: FloatArray, bias: FloatArray, output: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void;
  /**
   * The backward pass of `conv3x3Forward` for the upstream gradient dY [batch, out, H, W]: adds to dWeight and
   * dBias (callers zero them first) and overwrites dInput [batch, in, H, W] unless it is null.
   */
  conv3x3Backward(
    input: FloatArray, weight: FloatArray, dOutput: FloatArray, dInput: FloatArray | null, dWeight: FloatArray, dBias: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void;

  /**
   * Y[b,c,y,x] = max of the 2×2 window X[b,c,2y..2y+1,2x..2x+1]: max-pooling with stride 2 on even H and W.
   * Writes the index into `input` of each window's maximum to `argmax` (the first of equal maxima, in row-major
   * window order).
   */
  maxPool2x2Forward(input: FloatArray, output: FloatArray, argmax: Int32Array, batch: number, channels: number, height: number, width: number): void;
  /** Overwrites dInput [batch, channels, H, W] with dY routed to the recorded argmax positions, 0 elsewhere. */
  maxPool2x2Backward(dOutput: FloatArray, argmax: Int32Array, dInput: FloatArray, batch: number, channels: number, height: number, width: number): void;
}
