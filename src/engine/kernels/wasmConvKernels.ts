import type { ConvKernels, FloatArray } from './types';
import type { KernelExports } from './wasmKernels';

/** Memory access that the convolution set needs from the `WasmKernels` set whose memory it shares. */
export interface WasmMemoryAccess {
  readonly exports: KernelExports;
  /** Returns the byte offset of `x` after checking that it is a Float32Array view of this memory with at least `needed` floats. */
  floats(x: FloatArray, needed: number, label: string): number;
  /** Returns the offset of the scratch area `purpose` with at least `bytes`. */
  scratchBytes(purpose: string, bytes: number): number;
  int32View(offset: number, count: number): Int32Array;
  ownsBuffer(buffer: ArrayBufferLike): boolean;
}

/** Bytes per float64 value of the padded scratch. */
const F64_BYTES = 8;

/**
 * The convolution and pooling kernels of dist/kernels.wasm (src/engine/kernels/wasm/conv.ts), bound to the
 * memory of the `WasmKernels` set that created it: every float buffer must come from that set's `alloc`. Their
 * results equal the TypeScript set's bit for bit, because both sum in float64 in the same order.
 *
 * An argmax array outside the kernel memory (as the CNN allocates it) is staged through a scratch area, a copy
 * of batch·channels·(H/2)·(W/2) int32 values per pooling call.
 */
export class WasmConvKernels implements ConvKernels {
  readonly name = 'wasm-simd';

  constructor(private readonly memory: WasmMemoryAccess) {}

  conv3x3Forward(
    input: FloatArray, weight: FloatArray, bias: FloatArray, output: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void {
    checkShape(batch, inChannels, outChannels, height, width);
    const plane = height * width;
    const m = this.memory;
    const pi = m.floats(input, batch * inChannels * plane, 'conv input');
    const pw = m.floats(weight, outChannels * inChannels * 9, 'conv weight');
    const pb = m.floats(bias, outChannels, 'conv bias');
    const po = m.floats(output, batch * outChannels * plane, 'conv output');
    const pad = this.padScratch(inChannels, height, width);
    m.exports.conv3x3Forward(pi, pw, pb, po, batch, inChannels, outChannels, height, width, pad);
  }

  conv3x3Backward(
    input: FloatArray, weight: FloatArray, dOutput: FloatArray, dInput: FloatArray | null, dWeight: FloatArray, dBias: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void {
    checkShape(batch, inChannels, outChannels, height, width);
    const plane = height * width;
    const m = this.memory;
    const pi = m.floats(input, batch * inChannels * plane, 'conv input');
    const pw = m.floats(weight, outChannels * inChannels * 9, 'conv weight');
    const pdo = m.floats(dOutput, batch * outChannels * plane, 'conv output gradient');
    const pdi = dInput === null ? 0 : m.floats(dInput, batch * inChannels * plane, 'conv input gradient');
    const pdw = m.floats(dWeight, outChannels * inChannels * 9, 'conv weight gradient');
    const pdb = m.floats(dBias, outChannels, 'conv bias gradient');
    const pad = this.padScratch(Math.max(inChannels, outChannels), height, width);
    m.exports.conv3x3Backward(pi, pw, pdo, pdi, dInput === null ? 0 : 1, pdw, pdb, batch, inChannels, outChannels, height, width, pad);
  }

  maxPool2x2Forward(input: FloatArray, output: FloatArray, argmax: Int32Array, batch: number, channels: number, height: number, width: number): void {
    checkPoolShape(batch, channels, height, width);
    const inLength = batch * channels * height * width;
    const outLength = inLength / 4;
    const m = this.memory;
    const pi = m.floats(input, inLength, 'pool input');
    const po = m.floats(output, outLength, 'pool output');
    if (argmax.length < outLength) throw new RangeError(`pool argmax has ${argmax.length} values, but the shape needs ${outLength}`);
    if (m.ownsBuffer(argmax.buffer)) {
      m.exports.maxPool2x2Forward(pi, po, argmax.byteOffset, batch * channels, height, width);
      return;
    }
    const staged = m.scratchBytes('argmax', outLength * 4);
    m.exports.maxPool2x2Forward(pi, po, staged, batch * channels, height, width);
    argmax.set(m.int32View(staged, outLength));
  }

  maxPool2x2Backward(dOutput: FloatArray, argmax: Int32Array, dInput: FloatArray, batch: number, channels: number, height: number, width: number): void {
    checkPoolShape(batch, channels, height, width);
    const inLength = batch * channels * height * width;
    const outLength = inLength / 4;
    const m = this.memory;
    const pdo = m.floats(dOutput, outLength, 'pool output gradient');
    const pdi = m.floats(dInput, inLength, 'pool input gradient');
    if (argmax.length < outLength) throw new RangeError(`pool argmax has ${argmax.length} values, but the shape needs ${outLength}`);
    let pa: number;
    if (m.ownsBuffer(argmax.buffer)) {
      pa = argmax.byteOffset;
    } else {
      pa = m.scratchBytes('argmax', outLength * 4);
      m.int32View(pa, outLength).set(argmax.subarray(0, outLength));
    }
    m.exports.maxPool2x2Backward(pdo, pa, pdi, inLength);
  }

  /** Returns a scratch for `channels` zero-bordered float64 planes plus the one value the weight-gradient loads read past the end. */
  private padScratch(channels: number, height: number, width: number): number {
    return this.memory.scratchBytes('convPad', (channels * (height + 2) * (width + 2) + 1) * F64_BYTES);
  }
}

function checkShape(batch: number, inChannels: number, outChannels: number, height: number, width: number): void {
  for (const [name, value] of [['batch', batch], ['inChannels', inChannels], ['outChannels', outChannels], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`conv ${name} must be a positive integer, got ${value}`);
  }
}

function checkPoolShape(batch: number, channels: number, height: number, width: number): void {
  for (const [name, value] of [['batch', batch], ['channels', channels], ['height', height], ['width', width]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`pool ${name} must be a positive integer, got ${value}`);
  }
  if (height % 2 !== 0 || width % 2 !== 0) throw new RangeError(`2×2 max-pooling needs an even height and width, got ${height}×${width}`);
}
