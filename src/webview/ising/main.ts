// Entry of the Ising features panel webview: renders what the host sends and reports each draw back.
import '../main.css';
import './ising.css';
import type { IsingFeatureRecord } from '../../shared/isingFeatures';
import type { IsingHostMessage, IsingPersistedState, IsingViewSettings, IsingWebviewMessage } from '../../shared/isingPanelProtocol';
import { ChartsView } from '../chartsView';
import { Header } from '../header';
import { LogXToggle } from '../logXToggle';
import { bootPanel, reportRendered } from '../panelBoot';
import { readPalette, watchTheme } from '../theme';
import { Toggle } from '../toggle';
import { webviewApi } from '../vscodeApi';
import { CheckpointPicker } from './checkpointPicker';
import { correlationHistogram } from './histogram';
import { HistogramChart } from './histogramChart';
import { IsingStore } from './isingStore';
import { rTildeSpecs, type RTildeMode } from './rTildeSpecs';
import { SampleStrip } from './sampleStrip';
import { ScatterChart } from './scatterChart';
import { summaryText } from './summary';

/** Used until the host's `init` arrives with the stored settings; the host applies the same defaults. */
const DEFAULT_SETTINGS: IsingViewSettings = { logX: true, scaled: true };

const vscode = webviewApi<IsingWebviewMessage, IsingPersistedState>();

function element<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, parent: HTMLElement, text?: string): HTMLElementTagNameMap[K] {
  const child = document.createElement(tag);
  child.className = className;
  if (text !== undefined) child.textContent = text;
  parent.append(child);
  return child;
}

/** Adds a titled chart with a caption line under the title; chart.js sizes the canvas from its fixed-height box. */
function chartFigure(parent: HTMLElement, id: string, title: string, label: string): { canvas: HTMLCanvasElement; caption: HTMLParagraphElement } {
  const figure = element('section', 'chart', parent);
  element('h2', '', figure, title);
  const caption = element('p', 'chart-caption', figure);
  const box = element('div', 'chart-box', figure);
  const canvas = element('canvas', '', box);
  canvas.id = id;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', label);
  return { canvas, caption };
}

function start(): (message: IsingHostMessage) => void {
  const saved = vscode.getState();
  const store = new IsingStore(saved?.settings ?? DEFAULT_SETTINGS);
  /** Checkpoint picked on the slider; null follows the latest. */
  let selected: number | null = saved?.selectedEpoch ?? null;
  /** Epoch of the scatter last requested from the host, so each checkpoint is requested once. */
  let requested: number | null = null;
  const mode: RTildeMode = { scaled: store.settings.scaled };
  let palette = readPalette();

  const app = document.getElementById('app') ?? document.body;
  const header = new Header(app);
  const warnings = element('p', 'run-warnings', app);

  const stripSection = element('section', 'strip-section', app);
  element('h2', '', stripSection, 'Snapshots across temperature');
  const strip = new SampleStrip(stripSection);

  const checkpointRow = element('div', 'checkpoint-row', app);
  const picker = new CheckpointPicker(checkpointRow, (epoch) => {
    selected = epoch;
    persist();
    showCheckpoint();
    report();
  });
  const checkpointCharts = element('div', 'charts', app);
  const scatterFigure = chartFigure(checkpointCharts, 'chart-scatter', 'E against the top fc1 unit', 'Energy per bond against the pre-activation of the top fc1 unit');
  const histogramFigure = chartFigure(checkpointCharts, 'chart-histogram', 'Correlation of fc1 units with E', 'Histogram of the Pearson correlation of each fc1 unit with E');
  const scatter = new ScatterChart(scatterFigure.canvas, palette);
  const histogram = new HistogramChart(histogramFigure.canvas, palette);

  element('h2', 'section-title', app, 'Layer correlation r̃ against epoch');
  const rTildeGrid = element('div', 'charts', app);

  const persist = (): void => {
    if (store.run === undefined) return;
    vscode.setState({ runId: store.run.runId, runDir: store.run.runDir, settings: store.settings, selectedEpoch: selected });
  };

  const report = (): void => {
    if (store.run !== undefined) reportRendered(vscode, store.run.runId, store.records.length, store.seq);
  };

  const charts = new ChartsView<IsingFeatureRecord>(rTildeGrid, rTildeSpecs(mode), palette, store.settings.logX, report);

  const changeSettings = (settings: IsingViewSettings): void => {
    store.settings = settings;
    mode.scaled = settings.scaled;
    charts.reset(store.records, store.times, settings.logX);
    persist();
    vscode.postMessage({ type: 'setSettings', settings });
  };
  const logX = new LogXToggle(header.toolbar, store.settings.logX, (value) => changeSettings({ ...store.settings, logX: value }));
  const scaled = new Toggle(
    header.toolbar,
    { id: 'scaled', label: 'r̃ with 1/|L|', title: 'Plot r̃ with the 1/|L| factor of eq. 6 as printed; unchecked plots Σ w_k |r_k|, which lies in [0, 1]' },
    store.settings.scaled,
    (value) => changeSettings({ ...store.settings, scaled: value }),
  );

  /** Draws the scatter and histogram of the shown checkpoint, requesting its scatter when the store lacks it. */
  function showCheckpoint(): void {
    const shown = store.shownEpoch(selected);
    const epochs = store.records.map((r) => r.epoch);
    picker.update(epochs, shown, shown !== null && shown === epochs[epochs.length - 1]);

    const record = store.record(shown);
    if (record === undefined) {
      histogram.show(null);
      histogramFigure.caption.textContent = 'No checkpoint analysed yet.';
    } else {
      const bins = correlationHistogram(record.fc1.rE);
      histogram.show(bins);
      const constant = bins.skipped === 0 ? '' : `; ${bins.skipped} left out for constant output (r undefined)`;
      histogramFigure.caption.textContent = `${record.fc1.rE.length} units at epoch ${record.epoch}${constant}`;
    }
    histogram.draw();

    if (shown === null) {
      scatter.show(null);
      scatterFigure.caption.textContent = 'No checkpoint analysed yet.';
    } else if (store.scatter?.epoch === shown) {
      scatter.show(store.scatter);
      scatterFigure.caption.textContent = `fc1 unit ${store.scatter.unit} at epoch ${shown}, ${store.scatter.energies.length} test snapshots`;
    } else if (store.scatterMissing?.epoch === shown) {
      scatter.show(null);
      scatterFigure.caption.textContent = `No scatter for epoch ${shown}: ${store.scatterMissing.reason}`;
    } else {
      // The previous scatter stays on screen until the requested one arrives.
      scatterFigure.caption.textContent = `Loading the scatter of epoch ${shown}…`;
      if (requested !== shown) {
        requested = shown;
        vscode.postMessage({ type: 'requestScatter', epoch: shown });
      }
    }
    scatter.draw();
  }

  function updateHeader(): void {
    if (store.run === undefined) return;
    header.update(store.run, summaryText(store.run, store.records, store.times));
    warnings.textContent = store.warnings.join(' ');
    warnings.hidden = store.warnings.length === 0;
  }

  watchTheme(() => {
    palette = readPalette();
    scatter.applyTheme(palette);
    histogram.applyTheme(palette);
    showCheckpoint();
    charts.applyTheme(palette);
  });

  return (message) => {
    const result = store.apply(message);
    switch (result.kind) {
      case 'reset':
        requested = null;
        logX.checked = store.settings.logX;
        scaled.checked = store.settings.scaled;
        mode.scaled = store.settings.scaled;
        strip.show(store.samples);
        showCheckpoint();
        charts.reset(store.records, store.times, store.settings.logX);
        persist();
        break;
      case 'append':
        showCheckpoint();
        charts.append(result.added, store.times);
        break;
      case 'times':
        charts.setGrokTimes(store.times);
        break;
      case 'scatter':
        showCheckpoint();
        report();
        break;
      case 'settings':
        logX.checked = store.settings.logX;
        scaled.checked = store.settings.scaled;
        mode.scaled = store.settings.scaled;
        charts.reset(store.records, store.times, store.settings.logX);
        persist();
        break;
      case 'gap':
        vscode.postMessage({ type: 'ready' });
        break;
      case 'status':
      case 'ignored':
        break;
      default: {
        const unknown: never = result;
        throw new Error(`unknown apply result ${JSON.stringify(unknown)}`);
      }
    }
    updateHeader();
  };
}

bootPanel(vscode, start);
