/**
 * The one message contract between the extension host and the live panel webview. Each direction is a
 * discriminated union on `type`; both sides switch over it exhaustively.
 *
 * Delivery: the webview posts `ready` once its listener is installed (and again after every reload). The host
 * replies to every `ready` with `init`, which carries the whole history from the host's store, and sends `append`
 * deltas only after that. Every host message has a `seq` that grows by one per message for the panel. The webview
 * drops any message whose seq is not above the last one it applied, and an `init` replaces everything. The host
 * assigns a seq only to messages it posts, so a seq above last + 1 means a message was lost; the webview then posts
 * `ready` again to get a fresh `init`.
 */
import type { EpochRecord, GrokTimes } from './metrics';
import type { RunState } from './run';

export interface PanelRunInfo {
  runId: string;
  /** Shown as the panel heading, e.g. the config file name and the run folder. */
  title: string;
  runDir: string;
  state: RunState;
  /** Reason the run stopped or failed, absent while running and when finished. */
  reason?: string;
  epochs: number;
  /** One-line description of the main settings for the heading, e.g. "w0 = 10, wd = 3e-5 coupled". */
  subtitle: string;
}

export interface PanelViewSettings {
  logX: boolean;
}

export type HostToWebview =
  | { type: 'init'; seq: number; run: PanelRunInfo; records: EpochRecord[]; times: GrokTimes; settings: PanelViewSettings }
  | { type: 'append'; seq: number; runId: string; records: EpochRecord[]; times: GrokTimes }
  | { type: 'status'; seq: number; runId: string; state: RunState; reason?: string }
  /** View settings the user changed in another panel; the host stores them and sends them to every open panel. */
  | { type: 'settings'; seq: number; settings: PanelViewSettings };

export type WebviewToHost =
  | { type: 'ready' }
  /** Sent after each draw: how many epochs each chart holds, so tests and the host can tell what is shown. */
  | { type: 'rendered'; runId: string; points: number; lastSeq: number }
  | { type: 'setLogX'; logX: boolean }
  | { type: 'error'; message: string };

export function isWebviewToHost(value: unknown): value is WebviewToHost {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'ready' || type === 'rendered' || type === 'setLogX' || type === 'error';
}

/** State the webview keeps with `setState`: the run to reopen after a window reload and the log-x choice. */
export interface WebviewPersistedState {
  runId: string;
  /** The run folder, which the host uses to reopen the panel after a window reload. */
  runDir: string;
  logX: boolean;
}
