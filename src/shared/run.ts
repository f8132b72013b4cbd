import type { GrokConfig } from './config/types';

export type RunState = 'running' | 'finished' | 'stopped' | 'failed';

/** Contents of a run folder's `status.json`, rewritten atomically at each change. */
export interface RunStatus {
  state: RunState;
  /** Reason for a stop or failure; absent while running and when finished. */
  reason?: string;
  /** Last epoch whose record is in `metrics.jsonl`. */
  epoch: number;
  epochs: number;
  /** Process id and host of the trainer, so a reader can tell a live run from one whose process died. */
  pid?: number;
  hostname?: string;
  startedAt: string;
  updatedAt: string;
}

/** Contents of a run folder's `config.json`: the resolved config and where it came from. */
export interface RunManifest {
  config: GrokConfig;
  /** Absolute path of the config file the run was started from, when there was one. */
  configPath?: string;
  /** The product version that wrote the run. */
  productVersion: string;
  /** Kernel set the engine used, e.g. `typescript` or `wasm-simd`. */
  kernels: string;
  seedDrawn: boolean;
  createdAt: string;
  /** Number of parameters of the model, for readers that check checkpoint sizes. */
  parameterCount: number;
  /** Per-tensor layout of a flattened parameter vector, in checkpoint order. */
  tensors: { name: string; shape: number[] }[];
  /** Hashes that identify the data split and initial parameters (FNV-1a 64, hex). */
  trainSplitHash: string;
  initHash: string;
}
