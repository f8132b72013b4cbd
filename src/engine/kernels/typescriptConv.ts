import type { ConvKernels, FloatArray } from './types';

const TAPS = 9;

function checkLength(array: FloatArray | Int32Array, needed: number, what: string): void {
  if (array.length < needed) throw new RangeError(`${what} has ${array.length} values, but the shape needs ${needed}`);
}

/**
 * The convolution and pooling kernels in plain TypeScript loops, on Float32Array and Float64Array alike. Each
 * image's planes are first copied into a zero-bordered (H+2)×(W+2) scratch, so every output pixel sums its nine
 * taps without padding branches, in float64, with one load and store of the output per nine multiply-adds.
 */
export class TypeScriptConvKernels implements ConvKernels {
  readonly name = 'typescript';
  /** Zero-bordered copies of one image's planes; grown on demand, reused by every call. */
  private padded = new Float64Array(0);

  // ---------------------------------------------------------------------------------------------------------
  // 3×3 convolution, stride 1, zero padding 1.

  conv3x3Forward(
    input: FloatArray, weight: FloatArray, bias: FloatArray, output: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void {
    // input: [batch, inChannels, H, W], weight: [outChannels, inChannels, 3, 3], bias: [outChannels],
    // output: [batch, outChannels, H, W]
    const plane = height * width;
    checkLength(input, batch * inChannels * plane, 'conv input');
    checkLength(weight, outChannels * inChannels * TAPS, 'conv weight');
    checkLength(output, batch * outChannels * plane, 'conv output');
    const pw = width + 2;
    const paddedPlane = (height + 2) * pw;
    for (let b = 0; b < batch; b++) {
      const pad = this.pad(input, b * inChannels * plane, inChannels, height, width);
      for (let o = 0; o < outChannels; o++) {
        const outBase = (b * outChannels + o) * plane;
        output.fill(bias[o], outBase, outBase + plane);
        for (let i = 0; i < inChannels; i++) {
          const t = (o * inChannels + i) * TAPS;
          const w0 = weight[t], w1 = weight[t + 1], w2 = weight[t + 2];
          const w3 = weight[t + 3], w4 = weight[t + 4], w5 = weight[t + 5];
          const w6 = weight[t + 6], w7 = weight[t + 7], w8 = weight[t + 8];
          const padBase = i * paddedPlane;
          for (let y = 0; y < height; y++) {
            // Output (y, x) reads padded rows y, y + 1, y + 2 and columns x, x + 1, x + 2.
            const r0 = padBase + y * pw;
            const r1 = r0 + pw;
            const r2 = r1 + pw;
            const row = outBase + y * width;
            for (let x = 0; x < width; x++) {
              output[row + x] +=
                w0 * pad[r0 + x] + w1 * pad[r0 + x + 1] + w2 * pad[r0 + x + 2] +
                w3 * pad[r1 + x] + w4 * pad[r1 + x + 1] + w5 * pad[r1 + x + 2] +
                w6 * pad[r2 + x] + w7 * pad[r2 + x + 1] + w8 * pad[r2 + x + 2];
            }
          }
        }
      }
    }
  }

  conv3x3Backward(
    input: FloatArray, weight: FloatArray, dOutput: FloatArray, dInput: FloatArray | null, dWeight: FloatArray, dBias: FloatArray,
    batch: number, inChannels: number, outChannels: number, height: number, width: number,
  ): void {
    // input, dInput: [batch, inChannels, H, W], weight, dWeight: [outChannels, inChannels, 3, 3],
    // dOutput: [batch, outChannels, H, W], dBias: [outChannels]
    const plane = height * width;
    checkLength(input, batch * inChannels * plane, 'conv input');
    checkLength(weight, outChannels * inChannels * TAPS, 'conv weight');
    checkLength(dOutput, batch * outChannels * plane, 'conv output gradient');
    checkLength(dWeight, outChannels * inChannels * TAPS, 'conv weight gradient');
    if (dInput !== null) checkLength(dInput, batch * inChannels * plane, 'conv input gradient');
    const pw = width + 2;
    const paddedPlane = (height + 2) * pw;

    for (let b = 0; b < batch; b++) {
      // Undoes the bias fill and the forward sums: dBias[o] += Σ dY[o], dW[o,i,tap] += Σ_{y,x} dY[o,y,x]·X_pad[i,y+ky,x+kx].
      const pad = this.pad(input, b * inChannels * plane, inChannels, height, width);
      for (let o = 0; o < outChannels; o++) {
        const outBase = (b * outChannels + o) * plane;
        let biasSum = 0;
        for (let p = 0; p < plane; p++) biasSum += dOutput[outBase + p];
        dBias[o] += biasSum;
        for (let i = 0; i < inChannels; i++) {
          const padBase = i * paddedPlane;
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0, s8 = 0;
          for (let y = 0; y < height; y++) {
            const r0 = padBase + y * pw;
            const r1 = r0 + pw;
            const r2 = r1 + pw;
            const row = outBase + y * width;
            for (let x = 0; x < width; x++) {
              const g = dOutput[row + x];
              s0 += g * pad[r0 + x]; s1 += g * pad[r0 + x + 1]; s2 += g * pad[r0 + x + 2];
              s3 += g * pad[r1 + x]; s4 += g * pad[r1 + x + 1]; s5 += g * pad[r1 + x + 2];
              s6 += g * pad[r2 + x]; s7 += g * pad[r2 + x + 1]; s8 += g * pad[r2 + x + 2];
            }
          }
          const t = (o * inChannels + i) * TAPS;
          dWeight[t] += s0; dWeight[t + 1] += s1; dWeight[t + 2] += s2;
          dWeight[t + 3] += s3; dWeight[t + 4] += s4; dWeight[t + 5] += s5;
          dWeight[t + 6] += s6; dWeight[t + 7] += s7; dWeight[t + 8] += s8;
        }
      }
      if (dInput === null) continue;

      // dX[i,y,x] = Σ_o Σ_{ky,kx} W[o,i,ky,kx]·dY[o,y−ky+1,x−kx+1]: the forward loop on the padded dY with the
      // kernel rotated by 180°.
      const padGrad = this.pad(dOutput, b * outChannels * plane, outChannels, height, width);
      for (let i = 0; i < inChannels; i++) {
        const inBase = (b * inChannels + i) * plane;
        dInput.fill(0, inBase, inBase + plane);
        for (let o = 0; o < outChannels; o++) {
          const t = (o * inChannels + i) * TAPS;
          const w0 = weight[t + 8], w1 = weight[t + 7], w2 = weight[t + 6];
          const w3 = weight[t + 5], w4 = weight[t + 4], w5 = weight[t + 3];
          const w6 = weight[t + 2], w7 = weight[t + 1], w8 = weight[t];
          const padBase = o * paddedPlane;
          for (let y = 0; y < height; y++) {
            const r0 = padBase + y * pw;
            const r1 = r0 + pw;
            const r2 = r1 + pw;
            const row = inBase + y * width;
            for (let x = 0; x < width; x++) {
              dInput[row + x] +=
                w0 * padGrad[r0 + x] + w1 * padGrad[r0 + x + 1] + w2 * padGrad[r0 + x + 2] +
                w3 * padGrad[r1 + x] + w4 * padGrad[r1 + x + 1] + w5 * padGrad[r1 + x + 2] +
                w6 * padGrad[r2 + x] + w7 * padGrad[r2 + x + 1] + w8 * padGrad[r2 + x + 2];
            }
          }
        }
      }
    }
  }

  /**
   * Copies `channels` planes of H×W starting at `source[offset]` into the scratch as (H+2)×(W+2) planes with a
   * zero border, and returns the scratch. The result is valid until the next call.
   */
  private pad(source: FloatArray, offset: number, channels: number, height: number, width: number): Float64Array {
    const pw = width + 2;
    const paddedPlane = (height + 2) * pw;
    const length = channels * paddedPlane;
    if (this.padded.length < length) this.padded = new Float64Array(length);
    const pad = this.padded;
    pad.fill(0, 0, length);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        const from = offset + (c * height + y) * width;
        const to = c * paddedPlane + (y + 1) * pw + 1;
        for (let x = 0; x < width; x++) pad[to + x] = source[from + x];
      }
    }
    return pad;
  }

  // ---------------------------------------------------------------------------------------------------------
  // 2×2 max-pooling, stride 2.

  maxPool2x2Forward(input: FloatArray, output: FloatArray, argmax: Int32Array, batch: number, channels: number, height: number, width: number): void {
    // input: [batch, channels, H, W], output and argmax: [batch, channels, H/2, W/2]
    checkEven(height, width);
    const outHeight = height / 2;
    const outWidth = width / 2;
    const planes = batch * channels;
    checkLength(input, planes * height * width, 'pool input');
    checkLength(output, planes * outHeight * outWidth, 'pool output');
    checkLength(argmax, planes * outHeight * outWidth, 'pool argmax');
    let out = 0;
    for (let p = 0; p < planes; p++) {
      const inBase = p * height * width;
      for (let y = 0; y < outHeight; y++) {
        const top = inBase + 2 * y * width;
        for (let x = 0; x < outWidth; x++, out++) {
          const i00 = top + 2 * x;
          const i10 = i00 + width;
          let best = i00;
          let max = input[i00];
          // `c !== c` lets a NaN win, so a diverged network shows NaN as torch.nn.MaxPool2d does.
          let c = input[i00 + 1];
          if (c > max || c !== c) {
            max = c;
            best = i00 + 1;
          }
          c = input[i10];
          if (c > max || c !== c) {
            max = c;
            best = i10;
          }
          c = input[i10 + 1];
          if (c > max || c !== c) {
            max = c;
            best = i10 + 1;
          }
          output[out] = max;
          argmax[out] = best;
        }
      }
    }
  }

  maxPool2x2Backward(dOutput: FloatArray, argmax: Int32Array, dInput: FloatArray, batch: number, channels: number, height: number, width: number): void {
    // dOutput and argmax: [batch, channels, H/2, W/2], dInput: [batch, channels, H, W]
    checkEven(height, width);
    const inLength = batch * channels * height * width;
    const outLength = inLength / 4;
    checkLength(dInput, inLength, 'pool input gradient');
    checkLength(dOutput, outLength, 'pool output gradient');
    dInput.fill(0, 0, inLength);
    // The windows do not overlap, so each input receives at most one gradient.
    for (let o = 0; o < outLength; o++) dInput[argmax[o]] = dOutput[o];
  }
}

function checkEven(height: number, width: number): void {
  if (height % 2 !== 0 || width % 2 !== 0) throw new RangeError(`2×2 max-pooling needs an even height and width, got ${height}×${width}`);
}
