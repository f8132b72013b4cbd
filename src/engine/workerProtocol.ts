import type { GrokConfig } from '../shared/config/types';
import type { KernelPreference } from './kernels';
import type { EpochRecord, GrokTimes, RunSummary } from '../shared/metrics';
import type { RunManifest, RunStatus } from '../shared/run';

/** A training request: a new run from a config, or the continuation of a stopped run from its last checkpoint. */
export interface RunRequest {
  /** For a new run: the resolved config and where it came from. */
  config?: GrokConfig;
  configPath?: string;
  seedDrawn?: boolean;
  /** For a new run: the parent folder of the run folder. */
  runsRoot?: string;
  /** Continue this run folder from its last checkpoint instead of starting a new one. */
  resumeDir?: string;
  /** Train until this epoch instead of the config's `epochs` (also when resuming). */
  epochs?: number;
  kernels?: KernelPreference;
}

/** The `workerData` of a training worker: the request and the stop flag. */
export interface WorkerJob extends RunRequest {
  /** One Int32 slot; the host stores 1 to ask the trainer to stop at the next check. */
  stopFlag: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'started'; runDir: string; manifest: RunManifest; history: EpochRecord[] }
  | { type: 'epoch'; record: EpochRecord; times: GrokTimes }
  | { type: 'log'; line: string }
  | { type: 'done'; runDir: string; status: RunStatus; summary: RunSummary }
  | { type: 'failed'; runDir?: string; message: string; stack?: string };
