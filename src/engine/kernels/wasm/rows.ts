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
  // 32 columns per pass: eight independent sums use two whole cache lines of each row, where four columns at a
  // time made one dependent chain of adds and revisited every line of dy eight times.
  for (; j + 32 <= n4; j += 32) {
    const o = (<usize>j) << 2;
    const d = dBias + o;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let s4 = f32x4.splat(0), s5 = f32x4.splat(0), s6 = f32x4.splat(0), s7 = f32x4.splat(0);
    if (accumulate) {
      s0 = v128.load(d); s1 = v128.load(d, 16); s2 = v128.load(d, 32); s3 = v128.load(d, 48);
      s4 = v128.load(d, 64); s5 = v128.load(d, 80); s6 = v128.load(d, 96); s7 = v128.load(d, 112);
    }
    let y = dy + o;
    for (let r = 0; r < rows; r++, y += row) {
      s0 = f32x4.add(s0, v128.load(y)); s1 = f32x4.add(s1, v128.load(y, 16));
      s2 = f32x4.add(s2, v128.load(y, 32)); s3 = f32x4.add(s3, v128.load(y, 48));
      s4 = f32x4.add(s4, v128.load(y, 64)); s5 = f32x4.add(s5, v128.load(y, 80));
      s6 = f32x4.add(s6, v128.load(y, 96)); s7 = f32x4.add(s7, v128.load(y, 112));
    }
    v128.store(d, s0); v128.store(d, s1, 16); v128.store(d, s2, 32); v128.store(d, s3, 48);
    v128.store(d, s4, 64); v128.store(d, s5, 80); v128.store(d, s6, 96); v128.store(d, s7, 112);
  }
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
