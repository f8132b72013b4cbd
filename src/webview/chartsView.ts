import type { EpochRecord, GrokTimes } from '../shared/metrics';
import { ChartPanel } from './chartPanel';
import type { ChartSpec } from './chartSpecs';
import type { EpochMarker } from './markers';
import type { Palette } from './theme';

/**
 * Maximum time a redraw waits while the pointer rests on a chart. Redrawing under the pointer moves the tooltip
 * and makes it flicker, but a parked pointer must not freeze a live run either.
 */
const HOVER_HOLD_MS = 1000;

/** Returns the t_train and t_test markers known so far. */
export function markersOf(times: GrokTimes, palette: Palette): EpochMarker[] {
  const markers: EpochMarker[] = [];
  if (times.tTrain !== null) markers.push({ epoch: times.tTrain, label: `t_train = ${times.tTrain}`, color: palette.trainMarker });
  if (times.tTest !== null) markers.push({ epoch: times.tTest, label: `t_test = ${times.tTest}`, color: palette.testMarker });
  return markers;
}

/**
 * A grid of epoch charts of one run, one per spec. Draws are held while the pointer is over a chart; `onDrawn`
 * runs after each draw.
 */
export class ChartsView<R extends { epoch: number } = EpochRecord> {
  private readonly panels: ChartPanel<R>[];
  private palette: Palette;
  private times: GrokTimes = { tTrain: null, tTest: null, tGrok: null, grokked: null };
  private pointerInside = false;
  private heldSince: number | undefined;
  private holdTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    parent: HTMLElement,
    specs: readonly ChartSpec<R>[],
    palette: Palette,
    logX: boolean,
    private readonly onDrawn: (points: number) => void,
  ) {
    this.palette = palette;
    this.panels = specs.map((spec) => {
      const figure = document.createElement('section');
      figure.className = 'chart';
      const heading = document.createElement('h2');
      heading.textContent = spec.title;
      const box = document.createElement('div');
      box.className = 'chart-box';
      const canvas = document.createElement('canvas');
      canvas.id = `chart-${spec.id}`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${spec.title} against epoch`);
      box.append(canvas);
      figure.append(heading, box);
      parent.append(figure);
      box.addEventListener('pointerenter', () => (this.pointerInside = true));
      box.addEventListener('pointerleave', () => {
        this.pointerInside = false;
        if (this.heldSince !== undefined) this.draw();
      });
      return new ChartPanel<R>(canvas, spec, palette, logX);
    });
  }

  get points(): number {
    return this.panels[0].points;
  }

  reset(records: readonly R[], times: GrokTimes, logX: boolean): void {
    for (const panel of this.panels) panel.reset(records, logX);
    this.setTimes(times);
    this.draw();
  }

  append(records: readonly R[], times: GrokTimes): void {
    for (const panel of this.panels) panel.append(records);
    this.setTimes(times);
    this.requestDraw();
  }

  /** Moves the t_train and t_test markers without new records. */
  setGrokTimes(times: GrokTimes): void {
    this.setTimes(times);
    this.requestDraw();
  }

  applyTheme(palette: Palette): void {
    this.palette = palette;
    for (const panel of this.panels) panel.applyTheme(palette);
    this.setTimes(this.times);
    this.draw();
  }

  dispose(): void {
    clearTimeout(this.holdTimer);
    for (const panel of this.panels) panel.destroy();
  }

  private setTimes(times: GrokTimes): void {
    this.times = times;
    const markers = markersOf(times, this.palette);
    for (const panel of this.panels) panel.setMarkers(markers);
  }

  private requestDraw(): void {
    if (!this.pointerInside) {
      this.draw();
      return;
    }
    const now = Date.now();
    this.heldSince ??= now;
    if (now - this.heldSince >= HOVER_HOLD_MS) {
      this.draw();
      return;
    }
    if (this.holdTimer === undefined) this.holdTimer = setTimeout(() => this.draw(), HOVER_HOLD_MS - (now - this.heldSince));
  }

  private draw(): void {
    clearTimeout(this.holdTimer);
    this.holdTimer = undefined;
    this.heldSince = undefined;
    for (const panel of this.panels) {
      panel.draw();
      panel.canvas.dataset.points = String(panel.points);
    }
    this.onDrawn(this.points);
  }
}
