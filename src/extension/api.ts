import type * as vscode from 'vscode';

/**
 * The value `activate` returns. Other extensions and the extension-host tests use it; the UI itself goes through
 * commands.
 */
export interface GrokkingInspectorApi {
  /** Starts a run of the config file and resolves with the run folder once the trainer has started. */
  startRun(config: vscode.Uri, overrides?: { epochs?: number }): Promise<string>;
  /** Stops a running run (the active one when no folder is given) and resolves once its status is written. */
  stopRun(runDir?: string): Promise<void>;
  /** Fires each time a live panel reports that it drew points. */
  readonly onDidRender: vscode.Event<{ runId: string; points: number }>;
  /** Fires each time an Ising features panel reports that it drew; `points` counts checkpoints. */
  readonly onDidRenderIsing: vscode.Event<{ runId: string; points: number }>;
  /** Fires when a run's state changes (running, finished, stopped, failed). */
  readonly onDidChangeRunState: vscode.Event<{ runDir: string; state: string; reason?: string }>;
  /** Largest event-loop delay of the extension host seen while runs trained, in milliseconds. */
  maxEventLoopDelayMs(): number;
}
