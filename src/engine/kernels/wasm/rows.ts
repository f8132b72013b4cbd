// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type v128 or load<T>.
// Row-wise kernels: the many-hot input layer as gather and scatter-add, bias, ReLU and sums. Every sum runs in
// float32 in the same order as the TypeScript kernel set, so these results match it bit for bit.

/**
 * Computes y[rows, n] = bias[n] + Σ_q weight[index[r·width + q], n]. The caller checks that the indices lie
 * inside `weight`.
 */
export function gatherRows(weight: usize, bias: usize, index: usize, width: i32, y: usize, rows: i32, n: i32): void {
  const row = (<usize>n) << 2;
  const n4 = n & ~3;
  for (let r = 0; r < rows; r++) {
    const yr = y + (<usize>r) * row;
    const ir = index + (<usize>(r * width) << 2);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = (<usize>j) << 2;
      let s = v128.load(bias + o);
      for (let q = 0; q < width; q++) {
        s = f32x4.add(s, v128.load(weight + (<usize>load<i32>(ir + ((<usize>q) << 2))) * row + o));
      }
      v128.store(yr + o, s);
    }
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      let s = load<f32>(bias + o);
      for (let q = 0; q < width; q++) s += load<f32>(weight + (<usize>load<i32>(ir + ((<usize>q) << 2))) * row + o);
      store<f32>(yr + o, s);
    }
  }
}

/** Adds dWeight[index[r·width + q], n] += dy[r, n] for every row r and active input q, rows in order. */
export function scatterAddRows(dy: usize, index: usize, width: i32, dWeight: usize, rows: i32, n: i32): void {
  const row = (<usize>n) << 2;
  const n4 = n & ~3;
  for (let r = 0; r < rows; r++) {
    const dr = dy + (<usize>r) * row;
    const ir = index + (<usize>(r * width) << 2);
    for (let q = 0; q < width; q++) {
      const w = dWeight + (<usize>load<i32>(ir + ((<usize>q) << 2))) * row;
      let j = 0;
      for (; j < n4; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(w + o, f32x4.add(v128.load(w + o), v128.load(dr + o)));
      }
      for (; j < n; j++) {
        const o = (<usize>j) << 2;
        store<f32>(w + o, load<f32>(w + o) + load<f32>(dr + o));
      }
    }
  }
}

/** Adds y[r, n] += bias[n] for every row. */
export function addBias(y: usize, bias: usize, rows: i32, n: i32): void {
  const row = (<usize>n) << 2;
  const n4 = n & ~3;
  for (let r = 0; r < rows; r++) {
    const yr = y + (<usize>r) * row;
    let j = 0;
    for (; j < n4; j += 4) {
      const o = (<usize>j) << 2;
      v128.store(yr + o, f32x4.add(v128.load(yr + o), v128.load(bias + o)));
    }
    for (; j < n; j++) {
      const o = (<usize>j) << 2;
      store<f32>(yr + o, load<f32>(yr + o) + load<f32>(bias + o));
    }
  }
}

/** Computes dBias[n] (+)= Σ_r dy[r, n], summed over r in order. */
export function sumRows(dy: usize, dBias: usize, rows: i32, n: i32, accumulate: bool): void {
  const row = (<usize>n) << 2;
  const n4 = n & ~3;
  let j = 0;
  for (; j < n4; j += 4) {
    const o = (<usize>j) << 2;
    let s = accumulate ? v128.load(dBias + o) : f32x4.splat(0);
    for (let r = 0; r < rows; r++) s = f32x4.add(s, v128.load(dy + (<usize>r) * row + o));
    v128.store(dBias + o, s);
  }
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    let s: f32 = accumulate ? load<f32>(dBias + o) : 0;
    for (let r = 0; r < rows; r++) s += load<f32>(dy + (<usize>r) * row + o);
    store<f32>(dBias + o, s);
  }
}

/** Writes y = x where x > 0, else +0 (NaN gives 0), over `length` floats; y may be x. */
export function relu(x: usize, y: usize, length: i32): void {
  const zero = f32x4.splat(0);
  const l4 = length & ~3;
  let i = 0;
  for (; i < l4; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    v128.store(y + o, v128.and(v, f32x4.gt(v, zero)));
  }
  for (; i < length; i++) {
    const o = (<usize>i) << 2;
    const v = load<f32>(x + o);
    store<f32>(y + o, v > 0 ? v : 0);
  }
}

/** Writes dx = dy where the forward output y > 0, else 0, over `length` floats; dx may be dy. */
export function reluBackward(y: usize, dy: usize, dx: usize, length: i32): void {
  const zero = f32x4.splat(0);
  const l4 = length & ~3;
  let i = 0;
  for (; i < l4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(dx + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
  }
  for (; i < length; i++) {
    const o = (<usize>i) << 2;
    store<f32>(dx + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
  }
}
