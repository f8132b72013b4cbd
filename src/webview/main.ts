// Entry of the live panel webview: renders what the host sends and reports each draw back.
import './main.css';
import type { HostToWebview, WebviewPersistedState, WebviewToHost } from '../shared/protocol';
import { CHART_SPECS } from './chartSpecs';
import { ChartsView } from './chartsView';
import { Header, summaryText } from './header';
import { LogXToggle } from './logXToggle';
import { bootPanel, reportRendered } from './panelBoot';
import { RunStore } from './runStore';
import { readPalette, watchTheme } from './theme';
import { webviewApi } from './vscodeApi';

/** Log x is the default because the grokking plateau is only visible on a log epoch axis. */
const DEFAULT_LOG_X = true;

const vscode = webviewApi<WebviewToHost, WebviewPersistedState>();

function start(): (message: HostToWebview) => void {
  const saved = vscode.getState();
  const store = new RunStore({ logX: saved?.logX ?? DEFAULT_LOG_X });
  const app = document.getElementById('app') ?? document.body;
  const header = new Header(app);
  const main = document.createElement('main');
  main.className = 'charts';
  app.append(main);

  const persist = (): void => {
    if (store.run === undefined) return;
    const state: WebviewPersistedState = { runId: store.run.runId, runDir: store.run.runDir, logX: store.settings.logX };
    vscode.setState(state);
  };

  const charts = new ChartsView(main, CHART_SPECS, readPalette(), store.settings.logX, (points) => {
    if (store.run !== undefined) reportRendered(vscode, store.run.runId, points, store.seq);
  });

  const toggle = new LogXToggle(header.toolbar, store.settings.logX, (logX) => {
    store.settings = { ...store.settings, logX };
    charts.reset(store.records, store.times, logX);
    persist();
    vscode.postMessage({ type: 'setLogX', logX });
  });

  watchTheme(() => charts.applyTheme(readPalette()));

  return (message) => {
    const result = store.apply(message);
    switch (result.kind) {
      case 'reset':
        toggle.checked = store.settings.logX;
        charts.reset(store.records, store.times, store.settings.logX);
        persist();
        break;
      case 'append':
        charts.append(result.added, store.times);
        // Saved again with every batch, because a window reload restores the panel from the last saved state
        // and a reload test showed a panel restored without one (code-server 4.139.1).
        persist();
        break;
      case 'settings':
        toggle.checked = store.settings.logX;
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
    if (store.run !== undefined) header.update(store.run, summaryText(store.run, store.records[store.records.length - 1], store.times));
  };
}

bootPanel(vscode, start);
