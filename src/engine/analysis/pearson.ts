/**
 * Pearson correlation coefficients in float64, computed in two passes (means first, then centred sums) so that
 * large offsets such as energies near −512 do not cancel digits. A series of zero variance has no defined
 * correlation, and the result is then NaN.
 */

/** Returns the Pearson r of `x` and `y` over their first `n` entries (all of `x` by default). */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>, n = x.length): number {
  if (n > x.length || n > y.length) throw new RangeError(`pearson needs ${n} values, but got ${x.length} and ${y.length}`);
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i++) {
    meanX += x[i];
    meanY += y[i];
  }
  meanX /= n;
  meanY /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - meanX;
    const dy = y[i] - meanY;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return correlationOf(sxy, sxx, syy);
}

/**
 * Returns the Pearson r of every column of the row-major matrix `z` [rows, columns] with `y` [rows]. Column k
 * gets NaN when it is constant (or `y` is). Loops run row by row, so the matrix is read in memory order.
 */
export function pearsonColumns(z: ArrayLike<number>, rows: number, columns: number, y: ArrayLike<number>): Float64Array {
  if (z.length < rows * columns) throw new RangeError(`the matrix has ${z.length} values, but ${rows}×${columns} need ${rows * columns}`);
  if (y.length < rows) throw new RangeError(`the feature has ${y.length} values, but the matrix has ${rows} rows`);
  const means = new Float64Array(columns);
  let meanY = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * columns;
    for (let k = 0; k < columns; k++) means[k] += z[row + k];
    meanY += y[i];
  }
  for (let k = 0; k < columns; k++) means[k] /= rows;
  meanY /= rows;

  const sxy = new Float64Array(columns);
  const sxx = new Float64Array(columns);
  let syy = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * columns;
    const dy = y[i] - meanY;
    syy += dy * dy;
    for (let k = 0; k < columns; k++) {
      const dz = z[row + k] - means[k];
      sxy[k] += dz * dy;
      sxx[k] += dz * dz;
    }
  }
  const r = new Float64Array(columns);
  for (let k = 0; k < columns; k++) r[k] = correlationOf(sxy[k], sxx[k], syy);
  return r;
}

/** Returns sxy / √(sxx·syy), clamped to [−1, 1] against rounding, or NaN when either variance is zero. */
function correlationOf(sxy: number, sxx: number, syy: number): number {
  if (!(sxx > 0) || !(syy > 0)) return Number.NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}
