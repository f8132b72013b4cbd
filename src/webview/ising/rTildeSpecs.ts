import { ISING_LAYERS, type IsingFeatureName, type IsingFeatureRecord, type IsingLayerName } from '../../shared/isingFeatures';
import type { ChartSpec, SeriesSpec } from '../chartSpecs';
import type { Palette } from '../theme';

/** Choice of the r̃ the charts plot. The specs read it at every reset, so a toggle needs only a reset. */
export interface RTildeMode {
  scaled: boolean;
}

const FEATURE_LABELS: Record<IsingFeatureName, string> = { E: 'E', M: 'M', absM: '|M|' };

/** E takes the run hue; M and |M| take hues the t_train (orange) and t_test (green) markers do not use. */
const FEATURE_COLORS: Record<IsingFeatureName, (palette: Palette) => string> = {
  E: (p) => p.run,
  M: (p) => p.layers[2],
  absM: (p) => p.layers[3],
};

const SERIES_WIDTH = 2;

function featureSeries(layer: IsingLayerName, feature: IsingFeatureName, mode: RTildeMode): SeriesSpec<IsingFeatureRecord> {
  return {
    label: FEATURE_LABELS[feature],
    pick: (record) => {
      const summary = record.layers[layer];
      return (mode.scaled ? summary.rTilde : summary.rTildeUnscaled)[feature];
    },
    color: FEATURE_COLORS[feature],
    dashed: false,
    width: SERIES_WIDTH,
  };
}

/**
 * Returns the chart of one layer's r̃ against epoch. Unscaled r̃ is a weighted mean of |r| and lies in [0, 1];
 * the printed 1/|L| factor shrinks it by the layer width, so that axis scales to the data.
 */
export function rTildeSpec(layer: IsingLayerName, mode: RTildeMode): ChartSpec<IsingFeatureRecord> {
  const series = (['E', 'M', 'absM'] as const).map((feature) => featureSeries(layer, feature, mode));
  return {
    id: `rtilde-${layer}`,
    title: `r̃ of ${layer}`,
    get yTitle() {
      return mode.scaled ? 'r̃ = (1/|L|) Σ w_k |r_k|' : 'Σ w_k |r_k|';
    },
    logY: false,
    yMin: 0,
    get yMax() {
      return mode.scaled ? undefined : 1;
    },
    series: () => series,
    formatValue: (value) => value.toPrecision(3),
  };
}

export function rTildeSpecs(mode: RTildeMode): ChartSpec<IsingFeatureRecord>[] {
  return ISING_LAYERS.map((layer) => rTildeSpec(layer, mode));
}
