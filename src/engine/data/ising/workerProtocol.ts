import type { IsingParams } from './params';

/** `workerData` of an Ising worker: generate snapshots [start, end) of `params`. */
export interface IsingWorkerJob {
  params: IsingParams;
  start: number;
  end: number;
  /** Minimum number of snapshots between two progress messages. */
  progressEvery: number;
}

export type IsingWorkerMessage =
  | { type: 'progress'; done: number }
  | { type: 'done'; spins: Int8Array; energy: Float64Array; magnetisation: Float64Array }
  | { type: 'failed'; message: string };
