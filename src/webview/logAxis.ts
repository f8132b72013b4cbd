/**
 * Mapping of epochs and losses onto chart axes, including the two values a log axis cannot show: epoch 0 (the
 * initial parameters) and a loss of exactly 0 (float32 softmax collapse). Pure, so unit tests cover it.
 *
 * Epochs: on a log x axis every epoch is plotted at x = epoch + 1, so epoch 0 sits at x = 1, the left edge. Tick
 * labels and tooltips convert back, so the reader sees true epochs. A linear x axis plots x = epoch.
 *
 * Zero loss: a log y axis has no place for 0, so a loss of 0 is drawn at the axis floor, which is the smallest
 * positive loss shown divided by 10. The point keeps its true value for the tooltip and a distinct marker, and
 * the line runs through it unbroken.
 */

/** A point in chart.js's parsed format plus the values the tooltip shows. */
export interface PlotPoint {
  x: number;
  /** Null leaves a gap, used for non-finite values (a diverged run), which no axis can place. */
  y: number | null;
  epoch: number;
  value: number;
  /** True when the value is not positive and the point is drawn at the log axis floor. */
  atFloor: boolean;
}

export const ZERO_LOSS_LABEL = '0 (below float32 resolution)';

/**
 * Floor used when no positive loss is known yet. A float32 cross-entropy −ln p with p rounded from just below 1
 * is at least −ln(1 − 2⁻²⁴) ≈ 6e-8, so 1e-8 lies below every non-zero loss such a computation produces.
 */
export const FALLBACK_LOSS_FLOOR = 1e-8;

/** How far below the smallest positive value the floor sits, as a factor: one decade. */
const FLOOR_FACTOR = 10;

export function epochToX(epoch: number, logX: boolean): number {
  return logX ? epoch + 1 : epoch;
}

export function xToEpoch(x: number, logX: boolean): number {
  return logX ? x - 1 : x;
}

/** Returns the smallest positive finite value, or null when there is none. */
export function minPositive(values: Iterable<number>, start: number | null = null): number | null {
  let min = start;
  for (const v of values) {
    if (v > 0 && Number.isFinite(v) && (min === null || v < min)) min = v;
  }
  return min;
}

export function logFloor(smallestPositive: number | null): number {
  return smallestPositive === null ? FALLBACK_LOSS_FLOOR : smallestPositive / FLOOR_FACTOR;
}

/** Builds the point of one value; with `floor` set the y axis is logarithmic and non-positive values go to it. */
export function plotPoint(epoch: number, value: number, logX: boolean, floor: number | null): PlotPoint {
  const x = epochToX(epoch, logX);
  if (!Number.isFinite(value)) return { x, y: null, epoch, value, atFloor: false };
  if (floor !== null && value <= 0) return { x, y: floor, epoch, value, atFloor: true };
  return { x, y: value, epoch, value, atFloor: false };
}

/**
 * Returns the epochs that get a tick on a log x axis between two epochs: 0, then 1, 2 and 5 times each power of
 * ten. Drops the 2 and 5 ticks when the range spans more than `sparseAbove` decades, so labels do not collide.
 */
export function logEpochTicks(minEpoch: number, maxEpoch: number, sparseAbove = 3): number[] {
  const ticks: number[] = [];
  if (minEpoch <= 0 && maxEpoch >= 0) ticks.push(0);
  const decades = Math.log10(Math.max(maxEpoch, 1));
  const steps = decades > sparseAbove ? [1] : [1, 2, 5];
  for (let power = 1; power <= Math.max(maxEpoch, 1); power *= 10) {
    for (const step of steps) {
      const epoch = step * power;
      if (epoch >= minEpoch && epoch <= maxEpoch) ticks.push(epoch);
    }
  }
  return ticks;
}

/** Formats an epoch for a tick: 0, 5, 200, 1k, 20k, 1M. */
export function formatEpochTick(epoch: number): string {
  const rounded = Math.round(epoch);
  if (rounded >= 1e6 && rounded % 1e5 === 0) return `${rounded / 1e6}M`;
  if (rounded >= 1e3 && rounded % 100 === 0) return `${rounded / 1e3}k`;
  return String(rounded);
}

/**
 * Returns the label of a log y tick: powers of ten always, 2× and 5× only when the axis spans at most
 * `sparseAbove` decades, and '' for the other ticks, whose grid lines stay unlabelled.
 */
export function formatLogTick(value: number, decades: number, sparseAbove = 3): string {
  if (!(value > 0)) return '';
  const exponent = Math.floor(Math.log10(value) + 1e-9);
  const mantissa = Math.round(value / 10 ** exponent);
  if (Math.abs(mantissa * 10 ** exponent - value) > 1e-6 * value) return '';
  const labelled = decades > sparseAbove ? [1] : [1, 2, 5];
  if (!labelled.includes(mantissa)) return '';
  if (exponent >= -3 && exponent <= 3) return String(Number((mantissa * 10 ** exponent).toPrecision(1)));
  return `${mantissa}e${exponent}`;
}

/** Formats a loss for a tooltip; a value not above 0 gets the label that explains the floor marker. */
export function formatLoss(value: number): string {
  if (value === 0) return ZERO_LOSS_LABEL;
  if (!Number.isFinite(value)) return String(value);
  return value >= 1e-3 && value < 1e4 ? value.toPrecision(4) : value.toExponential(3);
}
