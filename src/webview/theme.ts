/** Chart colours and fonts taken from the CSS variables VS Code sets on the webview document. */
export interface Palette {
  foreground: string;
  grid: string;
  background: string;
  fontFamily: string;
  fontSize: number;
  /** Hue of the run; its train and test series share it and differ by dash. */
  run: string;
  /** Hues of the per-layer weight norms, input side first, reused in order when a model has more layers. */
  layers: string[];
  trainMarker: string;
  testMarker: string;
}

// Fallbacks are VS Code's Dark Modern values, used only outside VS Code (the test harness) or by an old host.
const FALLBACKS: Record<string, string> = {
  '--vscode-editor-foreground': '#cccccc',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-panel-border': '#80808059',
  '--vscode-font-family': 'system-ui, sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-yellow': '#cca700',
};

function cssVariable(style: CSSStyleDeclaration, name: string): string {
  const value = style.getPropertyValue(name).trim();
  return value === '' ? (FALLBACKS[name] ?? '') : value;
}

export function readPalette(element: Element = document.documentElement): Palette {
  const style = getComputedStyle(element);
  const read = (name: string): string => cssVariable(style, name);
  const fontSize = Number.parseFloat(read('--vscode-font-size'));
  return {
    foreground: read('--vscode-editor-foreground'),
    grid: read('--vscode-panel-border'),
    background: read('--vscode-editor-background'),
    fontFamily: read('--vscode-font-family'),
    fontSize: Number.isFinite(fontSize) ? fontSize : 13,
    run: read('--vscode-charts-blue'),
    layers: ['--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'].map(read),
    trainMarker: read('--vscode-charts-orange'),
    testMarker: read('--vscode-charts-green'),
  };
}

/**
 * Calls `onChange` when the theme changes. VS Code marks the theme kind with a class on `body`
 * (`vscode-light`, `vscode-dark`, `vscode-high-contrast`) and rewrites the variables on `html` at the same time.
 */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
