/** The part of the object `acquireVsCodeApi()` returns that the panels use, typed by each panel's contract. */
export interface VsCodeApi<Outgoing, State> {
  postMessage(message: Outgoing): void;
  getState(): State | undefined;
  setState(state: State): void;
}

declare function acquireVsCodeApi(): VsCodeApi<unknown, unknown>;

let api: VsCodeApi<unknown, unknown> | undefined;

/**
 * Returns the webview API. VS Code allows one `acquireVsCodeApi()` call per document, so the first call here
 * stores it. The type arguments only name the panel's message contract and saved state, and are not checked.
 */
export function webviewApi<Outgoing, State>(): VsCodeApi<Outgoing, State> {
  api ??= acquireVsCodeApi();
  return api as VsCodeApi<Outgoing, State>;
}
