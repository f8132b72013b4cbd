/**
 * The message contract between the extension host and the Ising features panel. Each direction is a
 * discriminated union on `type`, and both sides switch over it exhaustively.
 *
 * Delivery follows the live panel's rules (see `protocol.ts`): `ready` → `init` with the whole store, `append`
 * deltas of feature records after it, and a seq on every host message that grows by one per message for the
 * panel. The webview drops a message whose seq is not above the last one it applied, and posts `ready` again when
 * a seq was skipped. Scatter data is large, so `init` carries only the scatter of the latest checkpoint and the
 * webview requests another checkpoint's scatter with `requestScatter`.
 */
import type { IsingFeatureRecord, IsingSampleStrip } from './isingFeatures';
import type { GrokTimes } from './metrics';
import type { PanelRunInfo } from './protocol';
import type { RunState } from './run';

/**
 * The test-set scatter of one checkpoint, index-aligned: the energy per bond E/(2L²) of each snapshot and the
 * pre-activation z of fc1 unit `unit` on it.
 */
export interface IsingScatterSeries {
  epoch: number;
  unit: number;
  energies: number[];
  activations: number[];
}

/** A requested scatter that could not be read, with the reason to show in its place. */
export interface IsingScatterMissing {
  epoch: number;
  reason: string;
}

export interface IsingViewSettings {
  logX: boolean;
  /** Plot r̃ with the printed 1/|L| factor (`rTilde`); false plots `rTildeUnscaled`. */
  scaled: boolean;
}

export type IsingHostMessage =
  | {
      type: 'init';
      seq: number;
      run: PanelRunInfo;
      records: IsingFeatureRecord[];
      times: GrokTimes;
      /** Null until the run has written `samples.json`. */
      samples: IsingSampleStrip | null;
      /** Scatter of the last record, when there is one and its file could be read. */
      scatter: IsingScatterSeries | null;
      settings: IsingViewSettings;
      /** Problems found while reading the run folder, one sentence each, e.g. dropped torn lines. */
      warnings: string[];
    }
  | { type: 'append'; seq: number; runId: string; records: IsingFeatureRecord[]; times: GrokTimes }
  /** t_train and t_test moved because `metrics.jsonl` grew. */
  | { type: 'times'; seq: number; runId: string; times: GrokTimes }
  | { type: 'status'; seq: number; runId: string; state: RunState; reason?: string }
  | { type: 'scatter'; seq: number; runId: string; scatter: IsingScatterSeries }
  | { type: 'scatterMissing'; seq: number; runId: string; missing: IsingScatterMissing }
  /** View settings the user changed in another Ising panel. */
  | { type: 'settings'; seq: number; settings: IsingViewSettings };

export type IsingWebviewMessage =
  | { type: 'ready' }
  /** Sent after each draw; `points` is the number of checkpoints the r̃ charts hold. */
  | { type: 'rendered'; runId: string; points: number; lastSeq: number }
  | { type: 'requestScatter'; epoch: number }
  | { type: 'setSettings'; settings: IsingViewSettings }
  | { type: 'error'; message: string };

const WEBVIEW_TYPES: ReadonlySet<string> = new Set(['ready', 'rendered', 'requestScatter', 'setSettings', 'error']);

/** Checks the type tag only; each handler checks the fields it reads, because a webview message is untrusted. */
export function isIsingWebviewMessage(value: unknown): value is IsingWebviewMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' && WEBVIEW_TYPES.has(type);
}

/** State the webview keeps with `setState`, which the host reads to reopen the panel after a window reload. */
export interface IsingPersistedState {
  runId: string;
  runDir: string;
  settings: IsingViewSettings;
  /** Checkpoint epoch whose scatter and histogram are shown; null follows the latest checkpoint. */
  selectedEpoch: number | null;
}
