import type * as vscode from 'vscode';
import type { EpochRecord, GrokTimes } from '../shared/metrics';
import type { PanelRunInfo } from '../shared/protocol';
import type { RunState } from '../shared/run';

/**
 * A run as the host keeps it: the records read from its folder (or received from its trainer) and events for
 * what arrives next. The run manager implements it; panels and the status bar only read it.
 */
export interface RunFeed {
  readonly runId: string;
  readonly runDir: string;
  info(): PanelRunInfo;
  records(): readonly EpochRecord[];
  times(): GrokTimes;
  readonly onDidAppend: vscode.Event<readonly EpochRecord[]>;
  readonly onDidChangeState: vscode.Event<{ state: RunState; reason?: string }>;
}

/** Finds the feed of a run folder, loading it from disk when the run is not live; used to restore panels. */
export type RunFeedResolver = (runDir: string) => Promise<RunFeed | undefined>;
