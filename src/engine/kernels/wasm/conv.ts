// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type v128 or load<T>.
// 3×3 convolution (stride 1, zero padding 1) and 2×2 max-pooling on NCHW float32 tensors, for the Ising CNN.
// Every sum runs in float64 with the operations and order of the TypeScript set (typescriptConv.ts), so the
// results match it bit for bit. Each output pixel sums its nine taps in float64 and is rounded to float32 once
// per input channel. The weight and bias gradients sum over the plane in row-major order. Float64 lanes carry
// two pixels per v128, and WebAssembly SIMD has no fused multiply-add that could change the rounding.

const TAPS = 9;
const TAP_BYTES: usize = TAPS << 2;

/**
 * Copies `channels` float32 planes of H×W at `source` into float64 (H+2)×(W+2) planes at `pad` with a zero
 * border. The caller reserves one float64 more than the planes need, because the tap-pair loads of
 * `conv3x3WeightGrad` read one value past a padded row.
 */
function padPlanes(source: usize, channels: i32, height: i32, width: i32, pad: usize): void {
  const pw = width + 2;
  const paddedPlane = (height + 2) * pw;
  memory.fill(pad, 0, (<usize>(channels * paddedPlane + 1)) << 3);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      const from = source + ((<usize>((c * height + y) * width)) << 2);
      const to = pad + ((<usize>(c * paddedPlane + (y + 1) * pw + 1)) << 3);
      for (let x = 0; x < width; x++) {
        store<f64>(to + ((<usize>x) << 3), <f64>load<f32>(from + ((<usize>x) << 2)));
      }
    }
  }
}

/**
 * Adds to each pixel of the float32 plane `out` [H, W] the 3×3 stencil of the padded float64 plane at `padBase`
 * with taps w0…w8, as out = f32(out + ((w0·p0 + w1·p1) + … + w8·p8)). Two pixels share one f64x2 per step.
 */
function addStencil(
  padBase: usize, out: usize, height: i32, width: i32,
  w0: f64, w1: f64, w2: f64, w3: f64, w4: f64, w5: f64, w6: f64, w7: f64, w8: f64,
): void {
  const rowBytes = (<usize>(width + 2)) << 3;
  const v0 = f64x2.splat(w0), v1 = f64x2.splat(w1), v2 = f64x2.splat(w2);
  const v3 = f64x2.splat(w3), v4 = f64x2.splat(w4), v5 = f64x2.splat(w5);
  const v6 = f64x2.splat(w6), v7 = f64x2.splat(w7), v8 = f64x2.splat(w8);
  const w2x = width & ~1;
  for (let y = 0; y < height; y++) {
    const r0 = padBase + (<usize>y) * rowBytes;
    const r1 = r0 + rowBytes;
    const r2 = r1 + rowBytes;
    const row = out + ((<usize>(y * width)) << 2);
    let x = 0;
    for (; x < w2x; x += 2) {
      const p = (<usize>x) << 3;
      let s = f64x2.mul(v0, v128.load(r0 + p));
      s = f64x2.add(s, f64x2.mul(v1, v128.load(r0 + p, 8)));
      s = f64x2.add(s, f64x2.mul(v2, v128.load(r0 + p, 16)));
      s = f64x2.add(s, f64x2.mul(v3, v128.load(r1 + p)));
      s = f64x2.add(s, f64x2.mul(v4, v128.load(r1 + p, 8)));
      s = f64x2.add(s, f64x2.mul(v5, v128.load(r1 + p, 16)));
      s = f64x2.add(s, f64x2.mul(v6, v128.load(r2 + p)));
      s = f64x2.add(s, f64x2.mul(v7, v128.load(r2 + p, 8)));
      s = f64x2.add(s, f64x2.mul(v8, v128.load(r2 + p, 16)));
      const o = row + ((<usize>x) << 2);
      const sum = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(o)), s);
      v128.store64_lane(o, f32x4.demote_f64x2_zero(sum), 0);
    }
    for (; x < width; x++) {
      const p = (<usize>x) << 3;
      const s =
        w0 * load<f64>(r0 + p) + w1 * load<f64>(r0 + p, 8) + w2 * load<f64>(r0 + p, 16) +
        w3 * load<f64>(r1 + p) + w4 * load<f64>(r1 + p, 8) + w5 * load<f64>(r1 + p, 16) +
        w6 * load<f64>(r2 + p) + w7 * load<f64>(r2 + p, 8) + w8 * load<f64>(r2 + p, 16);
      const o = row + ((<usize>x) << 2);
      store<f32>(o, <f32>(<f64>load<f32>(o) + s));
    }
  }
}

/** Fills `count` float32 values at `out` with `value`. */
function fillFloats(out: usize, count: i32, value: f32): void {
  for (let j = 0; j < count; j++) store<f32>(out + ((<usize>j) << 2), value);
}

/**
 * Computes output [batch, outC, H, W] = bias + conv3x3(input [batch, inC, H, W], weight [outC, inC, 3, 3]).
 * `pad` is a scratch of (inC·(H+2)·(W+2) + 1) float64 values.
 */
export function conv3x3Forward(
  input: usize, weight: usize, bias: usize, output: usize,
  batch: i32, inC: i32, outC: i32, height: i32, width: i32, pad: usize,
): void {
  const plane = height * width;
  const paddedPlaneBytes = (<usize>((height + 2) * (width + 2))) << 3;
  for (let b = 0; b < batch; b++) {
    padPlanes(input + ((<usize>(b * inC * plane)) << 2), inC, height, width, pad);
    for (let o = 0; o < outC; o++) {
      const out = output + ((<usize>((b * outC + o) * plane)) << 2);
      fillFloats(out, plane, load<f32>(bias + ((<usize>o) << 2)));
      for (let i = 0; i < inC; i++) {
        const t = weight + (<usize>(o * inC + i)) * TAP_BYTES;
        addStencil(
          pad + (<usize>i) * paddedPlaneBytes, out, height, width,
          load<f32>(t), load<f32>(t, 4), load<f32>(t, 8), load<f32>(t, 12), load<f32>(t, 16),
          load<f32>(t, 20), load<f32>(t, 24), load<f32>(t, 28), load<f32>(t, 32),
        );
      }
    }
  }
}

/**
 * Adds dBias[o] += Σ dY[o] and dWeight[o, i, tap] += Σ_{y,x} dY[o, y, x]·X_pad[i, y + ky, x + kx] for one image
 * whose input planes are padded at `pad`. Each sum runs over the plane in row-major order in float64. The three
 * taps of a kernel row sit in two f64x2 accumulators (kx = 0, 1 and kx = 2 with an unused lane), so every lane
 * keeps the scalar order.
 */
function conv3x3WeightGrad(
  pad: usize, dOut: usize, dWeight: usize, dBias: usize, inC: i32, outC: i32, height: i32, width: i32,
): void {
  const plane = height * width;
  const rowBytes = (<usize>(width + 2)) << 3;
  const paddedPlaneBytes = (<usize>(height + 2)) * rowBytes;
  for (let o = 0; o < outC; o++) {
    const g0 = dOut + ((<usize>(o * plane)) << 2);
    let biasSum: f64 = 0;
    for (let p = 0; p < plane; p++) biasSum += <f64>load<f32>(g0 + ((<usize>p) << 2));
    const bo = dBias + ((<usize>o) << 2);
    store<f32>(bo, <f32>(<f64>load<f32>(bo) + biasSum));

    for (let i = 0; i < inC; i++) {
      const padBase = pad + (<usize>i) * paddedPlaneBytes;
      let a0 = f64x2.splat(0), c0 = f64x2.splat(0);
      let a1 = f64x2.splat(0), c1 = f64x2.splat(0);
      let a2 = f64x2.splat(0), c2 = f64x2.splat(0);
      for (let y = 0; y < height; y++) {
        const r0 = padBase + (<usize>y) * rowBytes;
        const r1 = r0 + rowBytes;
        const r2 = r1 + rowBytes;
        const gRow = g0 + ((<usize>(y * width)) << 2);
        for (let x = 0; x < width; x++) {
          const g = f64x2.splat(<f64>load<f32>(gRow + ((<usize>x) << 2)));
          const p = (<usize>x) << 3;
          a0 = f64x2.add(a0, f64x2.mul(g, v128.load(r0 + p)));
          c0 = f64x2.add(c0, f64x2.mul(g, v128.load(r0 + p, 16)));
          a1 = f64x2.add(a1, f64x2.mul(g, v128.load(r1 + p)));
          c1 = f64x2.add(c1, f64x2.mul(g, v128.load(r1 + p, 16)));
          a2 = f64x2.add(a2, f64x2.mul(g, v128.load(r2 + p)));
          c2 = f64x2.add(c2, f64x2.mul(g, v128.load(r2 + p, 16)));
        }
      }
      const t = dWeight + (<usize>(o * inC + i)) * TAP_BYTES;
      addToFloat(t, f64x2.extract_lane(a0, 0));
      addToFloat(t + 4, f64x2.extract_lane(a0, 1));
      addToFloat(t + 8, f64x2.extract_lane(c0, 0));
      addToFloat(t + 12, f64x2.extract_lane(a1, 0));
      addToFloat(t + 16, f64x2.extract_lane(a1, 1));
      addToFloat(t + 20, f64x2.extract_lane(c1, 0));
      addToFloat(t + 24, f64x2.extract_lane(a2, 0));
      addToFloat(t + 28, f64x2.extract_lane(a2, 1));
      addToFloat(t + 32, f64x2.extract_lane(c2, 0));
    }
  }
}

// @ts-ignore: decorator
@inline
function addToFloat(at: usize, value: f64): void {
  store<f32>(at, <f32>(<f64>load<f32>(at) + value));
}

/**
 * Computes the backward pass of `conv3x3Forward`: adds to dWeight and dBias and, when `hasInputGrad` is 1, overwrites
 * dInput [batch, inC, H, W] with dX[i] = Σ_o conv3x3(dY[o]) by the kernel W[o, i] rotated by 180°. `pad` is a
 * scratch of (max(inC, outC)·(H+2)·(W+2) + 1) float64 values.
 */
export function conv3x3Backward(
  input: usize, weight: usize, dOutput: usize, dInput: usize, hasInputGrad: bool, dWeight: usize, dBias: usize,
  batch: i32, inC: i32, outC: i32, height: i32, width: i32, pad: usize,
): void {
  const plane = height * width;
  const paddedPlaneBytes = (<usize>((height + 2) * (width + 2))) << 3;
  for (let b = 0; b < batch; b++) {
    const dOut = dOutput + ((<usize>(b * outC * plane)) << 2);
    padPlanes(input + ((<usize>(b * inC * plane)) << 2), inC, height, width, pad);
    conv3x3WeightGrad(pad, dOut, dWeight, dBias, inC, outC, height, width);
    if (!hasInputGrad) continue;

    padPlanes(dOut, outC, height, width, pad);
    for (let i = 0; i < inC; i++) {
      const out = dInput + ((<usize>((b * inC + i) * plane)) << 2);
      fillFloats(out, plane, 0);
      for (let o = 0; o < outC; o++) {
        const t = weight + (<usize>(o * inC + i)) * TAP_BYTES;
        addStencil(
          pad + (<usize>o) * paddedPlaneBytes, out, height, width,
          load<f32>(t, 32), load<f32>(t, 28), load<f32>(t, 24), load<f32>(t, 20), load<f32>(t, 16),
          load<f32>(t, 12), load<f32>(t, 8), load<f32>(t, 4), load<f32>(t),
        );
      }
    }
  }
}

/** Offsets 0, 2, 4, 6 of the top-left corners of four neighbouring 2×2 windows in a row. */
const STRIDE_TWO: v128 = i32x4(0, 2, 4, 6);

/**
 * Writes output [planes, H/2, W/2] = the maximum of each 2×2 window of input [planes, H, W], and to argmax the
 * index into `input` of the first maximum in row-major window order. A NaN wins its window, as in the
 * TypeScript set and torch.nn.MaxPool2d.
 */
export function maxPool2x2Forward(input: usize, output: usize, argmax: usize, planes: i32, height: i32, width: i32): void {
  const outHeight = height >> 1;
  const outWidth = width >> 1;
  let out: usize = 0;
  for (let p = 0; p < planes; p++) {
    const inBase = p * height * width;
    for (let y = 0; y < outHeight; y++) {
      const top = inBase + 2 * y * width;
      let x = 0;
      // Four windows per pass. Shuffles split 8 inputs of each row into even and odd columns, which are the four
      // corners. They are compared in the scalar loop's order and with its NaN rule, so both paths agree.
      for (; x + 4 <= outWidth; x += 4, out += 16) {
        const i00 = top + 2 * x;
        const t = input + ((<usize>i00) << 2);
        const b = t + ((<usize>width) << 2);
        const t0 = v128.load(t);
        const t1 = v128.load(t, 16);
        const b0 = v128.load(b);
        const b1 = v128.load(b, 16);
        const first = i32x4.add(i32x4.splat(i00), STRIDE_TWO);
        let max = v128.shuffle<f32>(t0, t1, 0, 2, 4, 6);
        let best = first;
        let c = v128.shuffle<f32>(t0, t1, 1, 3, 5, 7);
        let take = v128.or(f32x4.gt(c, max), f32x4.ne(c, c));
        max = v128.bitselect(c, max, take);
        best = v128.bitselect(i32x4.add(first, i32x4.splat(1)), best, take);
        c = v128.shuffle<f32>(b0, b1, 0, 2, 4, 6);
        take = v128.or(f32x4.gt(c, max), f32x4.ne(c, c));
        max = v128.bitselect(c, max, take);
        best = v128.bitselect(i32x4.add(first, i32x4.splat(width)), best, take);
        c = v128.shuffle<f32>(b0, b1, 1, 3, 5, 7);
        take = v128.or(f32x4.gt(c, max), f32x4.ne(c, c));
        max = v128.bitselect(c, max, take);
        best = v128.bitselect(i32x4.add(first, i32x4.splat(width + 1)), best, take);
        v128.store(output + out, max);
        v128.store(argmax + out, best);
      }
      for (; x < outWidth; x++, out += 4) {
        const i00 = top + 2 * x;
        const i10 = i00 + width;
        let best = i00;
        let max = load<f32>(input + ((<usize>i00) << 2));
        let c = load<f32>(input + ((<usize>(i00 + 1)) << 2));
        if (c > max || c != c) {
          max = c;
          best = i00 + 1;
        }
        c = load<f32>(input + ((<usize>i10) << 2));
        if (c > max || c != c) {
          max = c;
          best = i10;
        }
        c = load<f32>(input + ((<usize>(i10 + 1)) << 2));
        if (c > max || c != c) {
          max = c;
          best = i10 + 1;
        }
        store<f32>(output + out, max);
        store<i32>(argmax + out, best);
      }
    }
  }
}

/**
 * Overwrites dInput [inLength floats] with dY routed to the argmax positions, 0 elsewhere. An index outside
 * [0, inLength) is skipped, as a typed-array store out of range is in the TypeScript set, so a corrupt argmax
 * cannot write outside dInput.
 */
export function maxPool2x2Backward(dOutput: usize, argmax: usize, dInput: usize, inLength: i32): void {
  fillFloats(dInput, inLength, 0);
  const outLength = inLength >> 2;
  for (let o = 0; o < outLength; o++) {
    const at = load<i32>(argmax + ((<usize>o) << 2));
    if (<u32>at < <u32>inLength) store<f32>(dInput + ((<usize>at) << 2), load<f32>(dOutput + ((<usize>o) << 2)));
  }
}
