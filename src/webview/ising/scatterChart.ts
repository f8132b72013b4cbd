import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type ScaleOptions, type TooltipItem } from 'chart.js';
import type { IsingScatterSeries } from '../../shared/isingPanelProtocol';
import type { Palette } from '../theme';
import { CheckpointChart } from './checkpointChart';

Chart.register(ScatterController, PointElement, LinearScale, Tooltip);

interface ScatterPoint {
  x: number;
  y: number;
}

/** The default Ising test set has 1000 snapshots (`testSize`), and dots this small keep their dense band readable. */
const DOT_RADIUS = 1.5;

/** E per bond against the pre-activation of the checkpoint's top fc1 unit, one dot per test snapshot (Fig. 3, top). */
export class ScatterChart extends CheckpointChart {
  protected readonly chart: Chart<'scatter', ScatterPoint[]>;
  private unit: number | null = null;

  constructor(canvas: HTMLCanvasElement, palette: Palette) {
    super(canvas, palette);
    this.chart = new Chart<'scatter', ScatterPoint[]>(canvas, {
      type: 'scatter',
      // Colours are scriptable, so a theme change reaches points that chart.js has already resolved options for.
      data: {
        datasets: [
          {
            label: 'test snapshots',
            data: [],
            pointRadius: DOT_RADIUS,
            pointHoverRadius: DOT_RADIUS + 2,
            backgroundColor: () => this.palette.run,
            borderColor: () => this.palette.run,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item: TooltipItem<'scatter'>) => {
                const point = item.raw as ScatterPoint;
                return `z = ${point.x.toPrecision(4)}, E/(2L²) = ${point.y.toFixed(4)}`;
              },
            },
          },
        },
        scales: this.scales(),
      },
    });
    this.applyTheme(palette);
  }

  get points(): number {
    return this.chart.data.datasets[0].data.length;
  }

  show(scatter: IsingScatterSeries | null): void {
    const data: ScatterPoint[] = [];
    if (scatter !== null) {
      const count = Math.min(scatter.energies.length, scatter.activations.length);
      for (let i = 0; i < count; i++) {
        const x = scatter.activations[i];
        const y = scatter.energies[i];
        // A diverged network has non-finite pre-activations, which no axis can place.
        if (Number.isFinite(x) && Number.isFinite(y)) data.push({ x, y });
      }
      // chart.js 4.6 marks data given with `parsing: false` as sorted by x and takes the x range from its ends.
      data.sort((a, b) => a.x - b.x);
    }
    this.unit = scatter?.unit ?? null;
    this.chart.data.datasets[0].data = data;
    this.chart.options.scales = this.scales();
  }

  protected scales(): { x: ScaleOptions<'linear'>; y: ScaleOptions<'linear'> } {
    const axis = (title: string) => ({
      type: 'linear' as const,
      title: { display: true, text: title, color: this.palette.foreground },
      grid: { color: this.palette.grid },
      ticks: { color: this.palette.foreground },
    });
    const unit = this.unit === null ? 'the top fc1 unit' : `fc1 unit ${this.unit}`;
    return {
      x: axis(`pre-activation z of ${unit}`) as ScaleOptions<'linear'>,
      y: { ...axis('energy per bond E/(2L²)'), min: -1, max: 1 } as ScaleOptions<'linear'>,
    };
  }
}
