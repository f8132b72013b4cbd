import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Tooltip,
  type ChartDataset,
  type ScaleOptions,
  type ScriptableContext,
  type TooltipItem,
} from 'chart.js';
import type { EpochRecord } from '../shared/metrics';
import type { ChartSpec, SeriesSpec } from './chartSpecs';
import { formatEpochTick, formatLogTick, logEpochTicks, logFloor, minPositive, plotPoint, xToEpoch, type PlotPoint } from './logAxis';
import { markerPlugin, type EpochMarker } from './markers';
import type { Palette } from './theme';

// Only the parts the three line charts use, so the bundle leaves out the other controllers.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend);

type LineChart = Chart<'line', PlotPoint[]>;
type LineDataset = ChartDataset<'line', PlotPoint[]>;

/** Up to this many points per series every point gets a dot; above it only floor markers do, to keep long runs legible. */
const DOTS_UP_TO = 60;
const DOT_RADIUS = 2;
const FLOOR_MARKER_RADIUS = 5;
const TRAIN_DASH = [6, 4];

function pointOf(context: ScriptableContext<'line'>): PlotPoint | undefined {
  return context.raw as PlotPoint | undefined;
}

/**
 * One chart.js line chart fed with epoch records. New records are pushed into the existing datasets and drawn
 * with `update('none')`, so a live run neither recreates the chart nor animates.
 */
export class ChartPanel<R extends { epoch: number } = EpochRecord> {
  readonly chart: LineChart;
  private specs: SeriesSpec<R>[] = [];
  private logX: boolean;
  /** Smallest positive value over all series, which sets the floor of a log y axis. */
  private smallest: number | null = null;
  private hasFloorPoints = false;
  private markers: readonly EpochMarker[] = [];

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly spec: ChartSpec<R>,
    private palette: Palette,
    logX: boolean,
  ) {
    this.logX = logX;
    this.chart = new Chart<'line', PlotPoint[]>(canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        spanGaps: false,
        interaction: { mode: 'index', axis: 'x', intersect: false },
        scales: { x: this.xScale(), y: this.yScale() },
        plugins: {
          legend: { position: 'top', align: 'end', labels: { boxWidth: 24, boxHeight: 0 } },
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'line'>[]) => (items.length === 0 ? '' : `epoch ${(items[0].raw as PlotPoint).epoch}`),
              label: (item: TooltipItem<'line'>) => `${item.dataset.label ?? ''}: ${this.spec.formatValue((item.raw as PlotPoint).value)}`,
            },
          },
        },
      },
      plugins: [markerPlugin({ markers: () => this.markers, logX: () => this.logX })],
    });
    this.applyTheme(palette);
  }

  /** Number of epochs in the chart (points of its first series). */
  get points(): number {
    return this.chart.data.datasets[0]?.data.length ?? 0;
  }

  /** Replaces all data, as after an `init` or a change of the x axis; keeps the chart object. */
  reset(records: readonly R[], logX: boolean): void {
    this.logX = logX;
    this.specs = this.spec.series(records);
    this.smallest = this.spec.logY ? this.smallestOf(records, this.specs, null) : null;
    this.hasFloorPoints = false;
    this.chart.data.datasets = this.specs.map((series) => this.dataset(series, records));
    this.chart.options.scales = { x: this.xScale(), y: this.yScale() };
  }

  /** Pushes new records into the existing datasets; adds datasets only for layers not seen before. */
  append(records: readonly R[]): void {
    if (records.length === 0) return;
    const specs = this.spec.series(records);
    for (let i = this.specs.length; i < specs.length; i++) {
      this.specs.push(specs[i]);
      this.chart.data.datasets.push(this.dataset(specs[i], []));
    }
    if (this.spec.logY) this.moveFloor(this.smallestOf(records, this.specs, this.smallest));
    const floor = this.floor();
    this.specs.forEach((series, index) => {
      const data = this.chart.data.datasets[index].data;
      for (const record of records) {
        const value = series.pick(record);
        if (value === undefined) continue;
        const point = plotPoint(record.epoch, value, this.logX, floor);
        this.hasFloorPoints ||= point.atFloor;
        data.push(point);
      }
    });
    this.syncFloorLimit();
  }

  setMarkers(markers: readonly EpochMarker[]): void {
    this.markers = markers;
  }

  applyTheme(palette: Palette): void {
    this.palette = palette;
    const options = this.chart.options;
    options.color = palette.foreground;
    options.borderColor = palette.grid;
    options.font = { family: palette.fontFamily, size: palette.fontSize };
    this.chart.data.datasets.forEach((dataset, index) => {
      const color = this.specs[index]?.color(palette) ?? palette.foreground;
      dataset.borderColor = color;
      dataset.backgroundColor = color;
      dataset.pointBackgroundColor = color;
      dataset.pointBorderColor = color;
    });
    options.scales = { x: this.xScale(), y: this.yScale() };
  }

  draw(): void {
    this.chart.update('none');
  }

  destroy(): void {
    this.chart.destroy();
  }

  private floor(): number | null {
    return this.spec.logY ? logFloor(this.smallest) : null;
  }

  private smallestOf(records: readonly R[], specs: readonly SeriesSpec<R>[], start: number | null): number | null {
    let smallest = start;
    for (const series of specs) {
      smallest = minPositive(
        records.map((r) => series.pick(r) ?? NaN),
        smallest,
      );
    }
    return smallest;
  }

  /** Moves points already drawn at the floor when a smaller positive value lowers it. */
  private moveFloor(smallest: number | null): void {
    if (smallest === this.smallest) return;
    this.smallest = smallest;
    const floor = logFloor(smallest);
    if (!this.hasFloorPoints) return;
    for (const dataset of this.chart.data.datasets) {
      for (const point of dataset.data) if (point.atFloor) point.y = floor;
    }
  }

  private syncFloorLimit(): void {
    const y = this.chart.options.scales?.y;
    if (y !== undefined && this.spec.logY) y.min = this.hasFloorPoints ? (this.floor() ?? undefined) : undefined;
  }

  private dataset(series: SeriesSpec<R>, records: readonly R[]): LineDataset {
    const floor = this.floor();
    const data: PlotPoint[] = [];
    for (const record of records) {
      const value = series.pick(record);
      if (value === undefined) continue;
      const point = plotPoint(record.epoch, value, this.logX, floor);
      this.hasFloorPoints ||= point.atFloor;
      data.push(point);
    }
    const color = series.color(this.palette);
    return {
      label: series.label,
      data,
      borderColor: color,
      backgroundColor: color,
      pointBackgroundColor: color,
      pointBorderColor: color,
      borderWidth: series.width,
      borderDash: series.dashed ? TRAIN_DASH : [],
      pointStyle: (context) => (pointOf(context)?.atFloor ? 'triangle' : 'circle'),
      pointRotation: (context) => (pointOf(context)?.atFloor ? 180 : 0),
      pointRadius: (context) => {
        if (pointOf(context)?.atFloor) return FLOOR_MARKER_RADIUS;
        return context.dataset.data.length <= DOTS_UP_TO ? DOT_RADIUS : 0;
      },
      pointHoverRadius: FLOOR_MARKER_RADIUS,
      // Points sit on the plot edges (epoch 0 on log x, zero loss at the floor); a margin keeps their markers whole.
      clip: FLOOR_MARKER_RADIUS + 2,
    };
  }

  private xScale(): ScaleOptions<'linear' | 'logarithmic'> {
    const logX = this.logX;
    const common = {
      title: { display: true, text: logX ? 'epoch (log scale, epoch 0 at the left edge)' : 'epoch', color: this.palette.foreground },
      grid: { color: this.palette.grid },
      ticks: {
        color: this.palette.foreground,
        callback: (value: number | string) => formatEpochTick(xToEpoch(Number(value), logX)),
      },
    };
    if (!logX) return { ...common, type: 'linear', min: 0, ticks: { ...common.ticks, precision: 0 } } as ScaleOptions<'linear'>;
    return {
      ...common,
      type: 'logarithmic',
      min: 1,
      afterBuildTicks: (scale) => {
        scale.ticks = logEpochTicks(xToEpoch(scale.min, true), xToEpoch(scale.max, true)).map((epoch) => ({ value: epoch + 1 }));
      },
    } as ScaleOptions<'logarithmic'>;
  }

  private yScale(): ScaleOptions<'linear' | 'logarithmic'> {
    const common = {
      title: { display: true, text: this.spec.yTitle, color: this.palette.foreground },
      grid: { color: this.palette.grid },
      ticks: { color: this.palette.foreground },
    };
    if (this.spec.logY) {
      return {
        ...common,
        // Unlabelled ticks (3×, 4×, …) would fill the plot with lines over ten decades of loss.
        grid: { color: (context: { tick?: { label?: unknown } }) => (context.tick?.label ? this.palette.grid : 'transparent') },
        type: 'logarithmic',
        min: this.hasFloorPoints ? (this.floor() ?? undefined) : undefined,
        ticks: {
          ...common.ticks,
          autoSkip: false,
          callback: (value: number | string, _index: number, ticks: { value: number }[]) => {
            const decades = ticks.length < 2 ? 0 : Math.log10(ticks[ticks.length - 1].value / ticks[0].value);
            return formatLogTick(Number(value), decades);
          },
        },
      } as ScaleOptions<'logarithmic'>;
    }
    return { ...common, type: 'linear', min: this.spec.yMin, max: this.spec.yMax } as ScaleOptions<'linear'>;
  }
}
