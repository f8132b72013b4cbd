/**
 * Histogram of correlation coefficients over [−1, 1] in equal bins. Pure, so unit tests cover it.
 *
 * Bins are closed on the left, [e_i, e_{i+1}), except the last, which also contains +1. Null and non-finite values
 * (units with constant output, whose r is undefined) are skipped and counted. Values that rounding pushed just
 * past ±1 go to the end bins.
 */
export interface Histogram {
  /** bins + 1 edges from −1 to 1. */
  edges: number[];
  counts: number[];
  /** Values left out because they were null or not finite. */
  skipped: number;
}

/** 40 bins of width 0.05: fine enough to separate r = 0.99 from r = 0.9, the fc1 values arXiv 2502.01739 reports for E and |M|. */
export const CORRELATION_BINS = 40;

export function histogramEdges(bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`histogram needs a whole number of bins ≥ 1, got ${bins}`);
  return Array.from({ length: bins + 1 }, (_, i) => (i === bins ? 1 : -1 + (2 * i) / bins));
}

/** Returns the bin of `value` among `edges`. Compares with the edges after dividing, because the division can round across an edge. */
function binOf(value: number, edges: readonly number[]): number {
  const bins = edges.length - 1;
  if (value >= 1) return bins - 1;
  if (value <= -1) return 0;
  let bin = Math.min(bins - 1, Math.max(0, Math.floor(((value + 1) / 2) * bins)));
  if (value < edges[bin]) bin -= 1;
  else if (bin + 1 < bins && value >= edges[bin + 1]) bin += 1;
  return bin;
}

export function correlationHistogram(values: readonly (number | null)[], bins = CORRELATION_BINS): Histogram {
  const edges = histogramEdges(bins);
  const counts = new Array<number>(bins).fill(0);
  let skipped = 0;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) {
      skipped += 1;
      continue;
    }
    counts[binOf(value, edges)] += 1;
  }
  return { edges, counts, skipped };
}
