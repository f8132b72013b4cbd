import type { GrokConfig } from '../shared/config/types';
import type { EpochRecord, GrokTimes, RunSummary } from '../shared/metrics';
import type { RunManifest, RunStatus } from '../shared/run';

/** What the extension host passes to a training worker as `workerData`. */
export interface WorkerJob {
  config?: GrokConfig;
  configPath?: string;
  seedDrawn?: boolean;
  runsRoot?: string;
  resumeDir?: string;
  epochs?: number;
  /** One Int32 slot; the host stores 1 to ask the trainer to stop at the next check. */
  stopFlag: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'started'; runDir: string; manifest: RunManifest; history: EpochRecord[] }
  | { type: 'epoch'; record: EpochRecord; times: GrokTimes }
  | { type: 'log'; line: string }
  | { type: 'done'; runDir: string; status: RunStatus; summary: RunSummary }
  | { type: 'failed'; runDir?: string; message: string; stack?: string };
