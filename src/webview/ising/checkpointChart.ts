import type { Chart, ScaleOptions } from 'chart.js';
import type { Palette } from '../theme';

/**
 * A chart of one checkpoint on two linear axes, themed from the VS Code palette. Subclasses build `chart`,
 * whose colours read `palette` through scriptable options, then call `applyTheme`.
 */
export abstract class CheckpointChart {
  protected abstract readonly chart: Chart<'bar' | 'scatter'>;

  constructor(
    readonly canvas: HTMLCanvasElement,
    protected palette: Palette,
  ) {}

  /** Number of values drawn, which `draw` writes to the canvas's `data-points` for the tests. */
  abstract get points(): number;

  applyTheme(palette: Palette): void {
    this.palette = palette;
    this.chart.options.color = palette.foreground;
    this.chart.options.font = { family: palette.fontFamily, size: palette.fontSize };
    this.chart.options.scales = this.scales();
  }

  draw(): void {
    this.chart.update('none');
    this.canvas.dataset.points = String(this.points);
  }

  destroy(): void {
    this.chart.destroy();
  }

  protected abstract scales(): { x: ScaleOptions<'linear'>; y: ScaleOptions<'linear'> };
}
