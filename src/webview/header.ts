import type { EpochRecord, GrokTimes } from '../shared/metrics';
import type { PanelRunInfo } from '../shared/protocol';

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement): HTMLElementTagNameMap[K] {
  const child = document.createElement(tag);
  child.className = className;
  parent.append(child);
  return child;
}

function epochText(epoch: number | null): string {
  return epoch === null ? '–' : String(epoch);
}

/** Text of the summary line: latest epoch, test accuracy and the grokking times known so far. */
export function summaryText(run: PanelRunInfo, last: EpochRecord | undefined, times: GrokTimes): string {
  const parts = [last === undefined ? `epoch – / ${run.epochs}` : `epoch ${last.epoch} / ${run.epochs}`];
  if (last !== undefined) parts.push(`test accuracy ${(last.testAccuracy * 100).toFixed(1)} %`);
  parts.push(`t_train ${epochText(times.tTrain)}`, `t_test ${epochText(times.tTest)}`);
  if (times.tGrok !== null) parts.push(`t_grok ${times.tGrok}${times.grokked ? ' (grokked)' : ''}`);
  return parts.join(' · ');
}

/** The run heading: title, settings, state badge and summary line, plus a slot for the toolbar. */
export class Header {
  readonly toolbar: HTMLDivElement;
  private readonly title: HTMLHeadingElement;
  private readonly subtitle: HTMLParagraphElement;
  private readonly state: HTMLSpanElement;
  private readonly summary: HTMLParagraphElement;

  constructor(parent: HTMLElement) {
    const root = element('header', 'run-header', parent);
    const heading = element('div', 'run-heading', root);
    this.title = element('h1', 'run-title', heading);
    this.state = element('span', 'run-state', heading);
    this.subtitle = element('p', 'run-subtitle', root);
    const row = element('div', 'run-row', root);
    this.summary = element('p', 'run-summary', row);
    this.toolbar = element('div', 'run-toolbar', row);
    this.title.textContent = 'Waiting for the run…';
  }

  /** Shows the run's title, settings and state, and `summary` as the line beside the toolbar. */
  update(run: PanelRunInfo, summary: string): void {
    this.title.textContent = run.title;
    this.subtitle.textContent = run.subtitle;
    this.state.textContent = run.reason === undefined || run.reason === '' ? run.state : `${run.state}: ${run.reason}`;
    this.state.dataset.state = run.state;
    this.summary.textContent = summary;
    document.title = run.title;
  }
}
