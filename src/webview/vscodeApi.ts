import type { WebviewPersistedState, WebviewToHost } from '../shared/protocol';

/** The part of the object `acquireVsCodeApi()` returns that the panel uses. */
export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): WebviewPersistedState | undefined;
  setState(state: WebviewPersistedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** Returns the webview API; VS Code allows one call per document, so this module calls it once. */
export const vscode: VsCodeApi = acquireVsCodeApi();
