import type { IsingSampleStrip } from '../../shared/isingFeatures';
import { energyPerBond, magnetisationPerSpin } from '../../shared/isingUnits';
import { latticePixels, stripOrder } from './lattice';

function signed(value: number, digits: number): string {
  // U+2212 MINUS SIGN, so positive and negative values line up in the captions.
  return value < 0 ? `\u2212${(-value).toFixed(digits)}` : `+${value.toFixed(digits)}`;
}

/**
 * The run's snapshots across temperature as black (−1) and white (+1) lattices, as Fig. 1 of arXiv 2502.01739
 * shows them, with T, E per bond and M per spin under each and a T_c mark between the ordered and disordered ones.
 */
export class SampleStrip {
  private readonly root: HTMLDivElement;

  constructor(parent: HTMLElement) {
    this.root = document.createElement('div');
    this.root.className = 'sample-strip';
    parent.append(this.root);
  }

  /** Redraws the strip; returns the number of lattices drawn. */
  show(strip: IsingSampleStrip | null): number {
    this.root.replaceChildren();
    if (strip === null) {
      this.root.append(this.note('The run has not written samples.json yet.'));
      return 0;
    }
    const { samples, belowCritical } = stripOrder(strip.samples, strip.criticalTemperature);
    samples.forEach((sample, index) => {
      if (index === belowCritical) this.root.append(this.criticalMark(strip.criticalTemperature));
      this.root.append(this.snapshot(sample.spins, strip.L, [
        `T = ${sample.temperature.toFixed(3)}`,
        `E = ${signed(energyPerBond(sample.energy, strip.L), 3)}`,
        `M = ${signed(magnetisationPerSpin(sample.magnetisation, strip.L), 3)}`,
      ], index));
    });
    if (belowCritical === samples.length) this.root.append(this.criticalMark(strip.criticalTemperature));
    return samples.length;
  }

  private snapshot(spins: string, L: number, lines: string[], index: number): HTMLElement {
    const figure = document.createElement('figure');
    figure.className = 'snapshot';
    const canvas = document.createElement('canvas');
    canvas.id = `lattice-${index}`;
    canvas.width = L;
    canvas.height = L;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute('aria-label', `${L}×${L} spin snapshot, ${lines.join(', ')}`);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('the webview has no 2D canvas context');
    context.putImageData(new ImageData(latticePixels(spins, L), L, L), 0, 0);
    canvas.dataset.points = String(spins.length);
    const caption = document.createElement('figcaption');
    for (const line of lines) {
      const row = document.createElement('div');
      row.textContent = line;
      caption.append(row);
    }
    figure.append(canvas, caption);
    return figure;
  }

  private criticalMark(criticalTemperature: number): HTMLElement {
    const mark = document.createElement('div');
    mark.className = 'critical-mark';
    mark.title = 'Onsager critical temperature 2 / ln(1 + √2): ordered snapshots to the left, disordered to the right';
    const label = document.createElement('span');
    label.textContent = `T_c = ${criticalTemperature.toFixed(3)}`;
    mark.append(label);
    return mark;
  }

  private note(text: string): HTMLElement {
    const p = document.createElement('p');
    p.className = 'note';
    p.textContent = text;
    return p;
  }
}
