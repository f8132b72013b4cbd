import { BarController, BarElement, Chart, LinearScale, Tooltip, type ScaleOptions, type TooltipItem } from 'chart.js';
import type { Histogram } from './histogram';
import type { Palette } from '../theme';
import { CheckpointChart } from './checkpointChart';

Chart.register(BarController, BarElement, LinearScale, Tooltip);

interface BinPoint {
  x: number;
  y: number;
  from: number;
  to: number;
}

/** Counts of fc1 units by their correlation r_E with E, over [−1, 1] (Fig. 3, bottom). */
export class HistogramChart extends CheckpointChart {
  protected readonly chart: Chart<'bar', BinPoint[]>;
  private binned = 0;

  constructor(canvas: HTMLCanvasElement, palette: Palette) {
    super(canvas, palette);
    this.chart = new Chart<'bar', BinPoint[]>(canvas, {
      type: 'bar',
      // Colours are scriptable, so a theme change reaches bars that chart.js has already resolved options for.
      data: {
        datasets: [
          {
            label: 'fc1 units',
            data: [],
            barPercentage: 1,
            categoryPercentage: 1,
            grouped: false,
            backgroundColor: () => this.palette.run,
            borderColor: () => this.palette.run,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items: TooltipItem<'bar'>[]) => {
                const bin = items[0]?.raw as BinPoint | undefined;
                return bin === undefined ? '' : `r_E in [${bin.from.toFixed(2)}, ${bin.to.toFixed(2)}${bin.to === 1 ? ']' : ')'}`;
              },
              label: (item: TooltipItem<'bar'>) => `${(item.raw as BinPoint).y} units`,
            },
          },
        },
        scales: this.scales(),
      },
    });
    this.applyTheme(palette);
  }

  /** Number of units binned; units with constant output have no r and are not counted. */
  get points(): number {
    return this.binned;
  }

  show(histogram: Histogram | null): void {
    const data: BinPoint[] = [];
    this.binned = 0;
    if (histogram !== null) {
      histogram.counts.forEach((count, i) => {
        const from = histogram.edges[i];
        const to = histogram.edges[i + 1];
        data.push({ x: (from + to) / 2, y: count, from, to });
        this.binned += count;
      });
    }
    this.chart.data.datasets[0].data = data;
  }

  protected scales(): { x: ScaleOptions<'linear'>; y: ScaleOptions<'linear'> } {
    const common = { grid: { color: this.palette.grid }, ticks: { color: this.palette.foreground } };
    return {
      x: { ...common, type: 'linear', min: -1, max: 1, offset: false, title: { display: true, text: 'Pearson r_E of each fc1 unit with E', color: this.palette.foreground } } as ScaleOptions<'linear'>,
      y: { ...common, type: 'linear', min: 0, ticks: { ...common.ticks, precision: 0 }, title: { display: true, text: 'units', color: this.palette.foreground } } as ScaleOptions<'linear'>,
    };
  }
}
