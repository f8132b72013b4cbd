// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs; the project's tsc cannot type v128 or load<T>.
// Matrix products on f32x4 registers. Each output tile keeps 4 rows × 8 columns of C in eight v128
// accumulators and streams one row of B per step of the k loop. The C prototype measured in README.md beside
// this file reached 34 GFLOP/s with this tile. Accumulation is in float32 in the order p = 0, 1, …, k − 1.
//
// A element (i, p) is read at a + i·aRow + p·aStep (byte strides), so one set of tiles serves A and Aᵀ.
//
// NOTE: WebAssembly has no flush-to-zero mode, so products below 2⁻¹²⁶ (two factors near 1e-20) are computed
// as subnormals, which made the forward product about 3× slower in bench/kernels.ts on an AMD EPYC.

// Computes the C[4, 8] tile at c (row stride cRow bytes) (+)= A[4, k]·B[k, 8], B's row stride bRow bytes.
function tile4x8(a: usize, aRow: usize, aStep: usize, b: usize, bRow: usize, c: usize, cRow: usize, k: i32, accumulate: bool): void {
  const c1 = c + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let x00 = f32x4.splat(0), x01 = f32x4.splat(0), x10 = f32x4.splat(0), x11 = f32x4.splat(0);
  let x20 = f32x4.splat(0), x21 = f32x4.splat(0), x30 = f32x4.splat(0), x31 = f32x4.splat(0);
  if (accumulate) {
    x00 = v128.load(c); x01 = v128.load(c, 16);
    x10 = v128.load(c1); x11 = v128.load(c1, 16);
    x20 = v128.load(c2); x21 = v128.load(c2, 16);
    x30 = v128.load(c3); x31 = v128.load(c3, 16);
  }

  const a1 = a + aRow;
  const a2 = a1 + aRow;
  const a3 = a2 + aRow;
  let ap: usize = 0;
  let bp = b;
  for (let p = k; p > 0; p--) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let s = f32x4.splat(load<f32>(a + ap));
    x00 = f32x4.add(x00, f32x4.mul(s, b0)); x01 = f32x4.add(x01, f32x4.mul(s, b1));
    s = f32x4.splat(load<f32>(a1 + ap));
    x10 = f32x4.add(x10, f32x4.mul(s, b0)); x11 = f32x4.add(x11, f32x4.mul(s, b1));
    s = f32x4.splat(load<f32>(a2 + ap));
    x20 = f32x4.add(x20, f32x4.mul(s, b0)); x21 = f32x4.add(x21, f32x4.mul(s, b1));
    s = f32x4.splat(load<f32>(a3 + ap));
    x30 = f32x4.add(x30, f32x4.mul(s, b0)); x31 = f32x4.add(x31, f32x4.mul(s, b1));
    ap += aStep;
    bp += bRow;
  }

  v128.store(c, x00); v128.store(c, x01, 16);
  v128.store(c1, x10); v128.store(c1, x11, 16);
  v128.store(c2, x20); v128.store(c2, x21, 16);
  v128.store(c3, x30); v128.store(c3, x31, 16);
}

// Computes a C[4, 4] tile, for the columns left after the 8-wide tiles.
function tile4x4(a: usize, aRow: usize, aStep: usize, b: usize, bRow: usize, c: usize, cRow: usize, k: i32, accumulate: bool): void {
  const c1 = c + cRow;
  const c2 = c1 + cRow;
  const c3 = c2 + cRow;
  let x0 = f32x4.splat(0), x1 = f32x4.splat(0), x2 = f32x4.splat(0), x3 = f32x4.splat(0);
  if (accumulate) {
    x0 = v128.load(c); x1 = v128.load(c1); x2 = v128.load(c2); x3 = v128.load(c3);
  }
  const a1 = a + aRow;
  const a2 = a1 + aRow;
  const a3 = a2 + aRow;
  let ap: usize = 0;
  let bp = b;
  for (let p = k; p > 0; p--) {
    const b0 = v128.load(bp);
    x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(a + ap)), b0));
    x1 = f32x4.add(x1, f32x4.mul(f32x4.splat(load<f32>(a1 + ap)), b0));
    x2 = f32x4.add(x2, f32x4.mul(f32x4.splat(load<f32>(a2 + ap)), b0));
    x3 = f32x4.add(x3, f32x4.mul(f32x4.splat(load<f32>(a3 + ap)), b0));
    ap += aStep;
    bp += bRow;
  }
  v128.store(c, x0); v128.store(c1, x1); v128.store(c2, x2); v128.store(c3, x3);
}

// Computes a C[1, 8] tile, for the rows left after the 4-row tiles.
function tile1x8(a: usize, aStep: usize, b: usize, bRow: usize, c: usize, k: i32, accumulate: bool): void {
  let x0 = f32x4.splat(0), x1 = f32x4.splat(0);
  if (accumulate) {
    x0 = v128.load(c); x1 = v128.load(c, 16);
  }
  let ap = a;
  let bp = b;
  for (let p = k; p > 0; p--) {
    const s = f32x4.splat(load<f32>(ap));
    x0 = f32x4.add(x0, f32x4.mul(s, v128.load(bp)));
    x1 = f32x4.add(x1, f32x4.mul(s, v128.load(bp, 16)));
    ap += aStep;
    bp += bRow;
  }
  v128.store(c, x0); v128.store(c, x1, 16);
}

function tile1x4(a: usize, aStep: usize, b: usize, bRow: usize, c: usize, k: i32, accumulate: bool): void {
  let x0 = accumulate ? v128.load(c) : f32x4.splat(0);
  let ap = a;
  let bp = b;
  for (let p = k; p > 0; p--) {
    x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(ap)), v128.load(bp)));
    ap += aStep;
    bp += bRow;
  }
  v128.store(c, x0);
}

// Computes one element of C, for the last n mod 4 columns.
function dot1(a: usize, aStep: usize, b: usize, bRow: usize, c: usize, k: i32, accumulate: bool): void {
  let s: f32 = accumulate ? load<f32>(c) : 0;
  let ap = a;
  let bp = b;
  for (let p = k; p > 0; p--) {
    s += load<f32>(ap) * load<f32>(bp);
    ap += aStep;
    bp += bRow;
  }
  store<f32>(c, s);
}

// Computes rows [i0, i1) of C[m, n] (+)= A·B, with A element (i, p) at a + i·aRow + p·aStep bytes and B: [k, n].
function productRows(a: usize, aRow: usize, aStep: usize, b: usize, c: usize, k: i32, n: i32, i0: i32, i1: i32, accumulate: bool): void {
  const row = (<usize>n) << 2;
  const n8 = n & ~7;
  const n4 = n & ~3;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const ai = a + (<usize>i) * aRow;
    const ci = c + (<usize>i) * row;
    let j = 0;
    for (; j < n8; j += 8) tile4x8(ai, aRow, aStep, b + ((<usize>j) << 2), row, ci + ((<usize>j) << 2), row, k, accumulate);
    if (j < n4) {
      tile4x4(ai, aRow, aStep, b + ((<usize>j) << 2), row, ci + ((<usize>j) << 2), row, k, accumulate);
      j += 4;
    }
    for (; j < n; j++) {
      const bj = b + ((<usize>j) << 2);
      for (let r = 0; r < 4; r++) dot1(ai + (<usize>r) * aRow, aStep, bj, row, ci + (<usize>r) * row + ((<usize>j) << 2), k, accumulate);
    }
  }
  for (; i < i1; i++) {
    const ai = a + (<usize>i) * aRow;
    const ci = c + (<usize>i) * row;
    let j = 0;
    for (; j < n8; j += 8) tile1x8(ai, aStep, b + ((<usize>j) << 2), row, ci + ((<usize>j) << 2), k, accumulate);
    if (j < n4) {
      tile1x4(ai, aStep, b + ((<usize>j) << 2), row, ci + ((<usize>j) << 2), k, accumulate);
      j += 4;
    }
    for (; j < n; j++) dot1(ai, aStep, b + ((<usize>j) << 2), row, ci + ((<usize>j) << 2), k, accumulate);
  }
}

/** Computes rows [i0, i1) of C[m, n] (+)= A[m, k]·B[k, n]. */
export function matmulRows(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, i0: i32, i1: i32, accumulate: bool): void {
  productRows(a, (<usize>k) << 2, 4, b, c, k, n, i0, i1, accumulate);
}

/**
 * Rows of the k dimension per pass of matmulTransARows. A tile reads 4 floats of each A row, one cache line
 * apart from the next row's, so a pass over all of k = 8938 rows (the full-batch dW₂) touches about 1.1 MB and
 * runs from memory. A block of 128 rows keeps a tile's lines of A and B in L1 and the block's B rows in L2
 * across the row tiles. Measured on the full-batch dW₂ (2-vCPU AMD EPYC, load average 5–6, interleaved A/B in
 * one process): unblocked 200–250 ms, blocks of 64 or 128 rows 69–93 ms, 256 rows 98 ms, 512 rows 110 ms.
 */
const TRANS_A_BLOCK = 128;

/**
 * Computes rows [i0, i1) of C[m, n] (+)= A[k, m]ᵀ·B[k, n] in blocks of TRANS_A_BLOCK rows of k, each block
 * accumulated into C. Float32 stores and loads of C between blocks are exact, so the sums keep the order
 * p = 0, 1, …, k − 1 and equal an unblocked pass bit for bit.
 */
export function matmulTransARows(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, i0: i32, i1: i32, accumulate: bool): void {
  const aRow = (<usize>m) << 2;
  const bRow = (<usize>n) << 2;
  let p0 = 0;
  do {
    const rows = min(TRANS_A_BLOCK, k - p0);
    productRows(a + (<usize>p0) * aRow, 4, aRow, b + (<usize>p0) * bRow, c, rows, n, i0, i1, accumulate || p0 > 0);
    p0 += rows;
  } while (p0 < k);
}

/**
 * Writes dst[cols, rows] = src[rows, cols]ᵀ in 4×4 blocks. matmulTransB transposes B once into scratch and
 * reuses the row-major tiles, because the transpose costs n·k moves against m·n·k multiply-adds.
 */
export function transpose(src: usize, dst: usize, rows: i32, cols: i32): void {
  const srcRow = (<usize>cols) << 2;
  const dstRow = (<usize>rows) << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    let c = 0;
    for (; c + 4 <= cols; c += 4) {
      const s0 = src + (<usize>r) * srcRow + ((<usize>c) << 2);
      const x0 = v128.load(s0);
      const x1 = v128.load(s0 + srcRow);
      const x2 = v128.load(s0 + 2 * srcRow);
      const x3 = v128.load(s0 + 3 * srcRow);
      const t0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(x0, x1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
      const d0 = dst + (<usize>c) * dstRow + ((<usize>r) << 2);
      v128.store(d0, i64x2.shuffle(t0, t2, 0, 2));
      v128.store(d0 + dstRow, i64x2.shuffle(t0, t2, 1, 3));
      v128.store(d0 + 2 * dstRow, i64x2.shuffle(t1, t3, 0, 2));
      v128.store(d0 + 3 * dstRow, i64x2.shuffle(t1, t3, 1, 3));
    }
    for (; c < cols; c++) {
      for (let q = r; q < r + 4; q++) store<f32>(dst + (<usize>c) * dstRow + ((<usize>q) << 2), load<f32>(src + (<usize>q) * srcRow + ((<usize>c) << 2)));
    }
  }
  for (; r < rows; r++) {
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>c) * dstRow + ((<usize>r) << 2), load<f32>(src + (<usize>r) * srcRow + ((<usize>c) << 2)));
  }
}
