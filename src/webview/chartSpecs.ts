import type { EpochRecord } from '../shared/metrics';
import { formatLoss } from './logAxis';
import type { Palette } from './theme';

/** One line of a chart: which record field it plots and how it looks. */
export interface SeriesSpec<R = EpochRecord> {
  label: string;
  pick(record: R): number | undefined;
  color(palette: Palette): string;
  /** Train series are dashed and test series solid, so a run's pair shares one hue. */
  dashed: boolean;
  width: number;
}

/** One chart of records `R` against epoch; the live panel plots `EpochRecord`s. */
export interface ChartSpec<R = EpochRecord> {
  id: string;
  title: string;
  yTitle: string;
  /** A log y axis, whose non-positive values are drawn at the floor. */
  logY: boolean;
  yMin?: number;
  yMax?: number;
  /** The series to draw for the records so far; the layer count of a run is known from its first record. */
  series(records: readonly R[]): SeriesSpec<R>[];
  formatValue(value: number): string;
}

const TRAIN_WIDTH = 1.5;
const TEST_WIDTH = 2;

function formatPercent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function formatNorm(value: number): string {
  return value.toPrecision(4);
}

export const LOSS_CHART: ChartSpec = {
  id: 'loss',
  title: 'Loss',
  yTitle: 'cross-entropy (log)',
  logY: true,
  series: () => [
    { label: 'train loss', pick: (r) => r.trainLoss, color: (p) => p.run, dashed: true, width: TRAIN_WIDTH },
    { label: 'test loss', pick: (r) => r.testLoss, color: (p) => p.run, dashed: false, width: TEST_WIDTH },
  ],
  formatValue: formatLoss,
};

export const ACCURACY_CHART: ChartSpec = {
  id: 'accuracy',
  title: 'Accuracy',
  yTitle: 'accuracy',
  logY: false,
  yMin: 0,
  yMax: 1,
  series: () => [
    { label: 'train accuracy', pick: (r) => r.trainAccuracy, color: (p) => p.run, dashed: true, width: TRAIN_WIDTH },
    { label: 'test accuracy', pick: (r) => r.testAccuracy, color: (p) => p.run, dashed: false, width: TEST_WIDTH },
  ],
  formatValue: formatPercent,
};

export const NORM_CHART: ChartSpec = {
  id: 'norm',
  title: 'Weight norm',
  yTitle: 'L2 norm',
  logY: false,
  series: (records) => {
    let layers = 0;
    for (const r of records) layers = Math.max(layers, r.layerNorms.length);
    const specs: SeriesSpec[] = [{ label: 'total', pick: (r) => r.weightNorm, color: (p) => p.run, dashed: false, width: TEST_WIDTH }];
    for (let i = 0; i < layers; i++) {
      specs.push({
        label: `layer ${i + 1}`,
        pick: (r) => r.layerNorms[i],
        color: (p) => p.layers[i % p.layers.length],
        dashed: false,
        width: 1,
      });
    }
    return specs;
  },
  formatValue: formatNorm,
};

export const CHART_SPECS: readonly ChartSpec[] = [LOSS_CHART, ACCURACY_CHART, NORM_CHART];
