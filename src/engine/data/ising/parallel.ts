import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { IsingDataset } from './dataset';
import { allocateIsingDataset } from './dataset';
import { generateSnapshotRange } from './generate';
import type { IsingParams } from './params';
import { checkIsingParams, snapshotCount } from './params';
import type { IsingWorkerJob, IsingWorkerMessage } from './workerProtocol';

/** File name of the bundled worker, which the build writes next to the bundle that imports this module. */
export const ISING_WORKER_BUNDLE = 'ising-worker.js';
/** Snapshots between two progress reports of one worker; an estimated 0.1 s at L = 16 and 200 sweeps. */
const PROGRESS_EVERY = 50;

export interface IsingGenerateOptions {
  /**
   * Number of worker threads; 0 generates in the calling thread, blocking it between progress reports.
   * Defaults to one less than the available parallelism, at least 1. Any value gives the same bytes.
   */
  workers?: number;
  /** Called with the number of finished snapshots and the total, at least once at the end. */
  onProgress?: (done: number, total: number) => void;
}

/** Worker script: the bundled JavaScript, or the TypeScript source loaded through tsx's require hook. */
export type IsingWorkerEntry = { kind: 'bundle'; file: string } | { kind: 'source'; file: string; tsxRegister: string };

/**
 * Finds the worker script: `ising-worker.js` beside this module's bundle, else `worker.ts` beside this source
 * file when tsx is installed (tests and scripts run under tsx). Returns undefined when neither is available, and
 * generation then runs in the calling thread.
 */
export function resolveIsingWorker(): IsingWorkerEntry | undefined {
  const bundle = path.join(__dirname, ISING_WORKER_BUNDLE);
  if (fs.existsSync(bundle)) return { kind: 'bundle', file: bundle };
  const source = path.join(__dirname, 'worker.ts');
  if (!fs.existsSync(source)) return undefined;
  try {
    return { kind: 'source', file: source, tsxRegister: require.resolve('tsx/cjs') };
  } catch {
    return undefined;
  }
}

export function defaultIsingWorkers(): number {
  return Math.max(1, os.availableParallelism() - 1);
}

/** Generates the whole dataset of `params`, split into contiguous index ranges across worker threads. */
export async function generateIsing(params: IsingParams, options: IsingGenerateOptions = {}): Promise<IsingDataset> {
  checkIsingParams(params);
  const dataset = allocateIsingDataset(params);
  const total = dataset.count;
  const requested = options.workers ?? defaultIsingWorkers();
  if (!Number.isInteger(requested) || requested < 0) throw new RangeError(`workers must be an integer ≥ 0, got ${requested}`);
  const entry = requested > 0 ? resolveIsingWorker() : undefined;

  if (entry === undefined) {
    await generateInThread(params, dataset, options.onProgress);
  } else {
    await generateInWorkers(params, dataset, Math.min(requested, total), entry, options.onProgress);
  }
  options.onProgress?.(total, total);
  return dataset;
}

async function generateInThread(params: IsingParams, dataset: IsingDataset, onProgress?: (done: number, total: number) => void): Promise<void> {
  const total = snapshotCount(params);
  const n = params.L * params.L;
  for (let start = 0; start < total; start += PROGRESS_EVERY) {
    const end = Math.min(total, start + PROGRESS_EVERY);
    const out = {
      spins: dataset.spins.subarray(start * n, end * n),
      energy: dataset.energy.subarray(start, end),
      magnetisation: dataset.magnetisation.subarray(start, end),
    };
    generateSnapshotRange(params, start, end, out);
    if (end < total) {
      onProgress?.(end, total);
      // Let timers and I/O of the calling thread run between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

function generateInWorkers(
  params: IsingParams,
  dataset: IsingDataset,
  workerCount: number,
  entry: IsingWorkerEntry,
  onProgress?: (done: number, total: number) => void,
): Promise<void> {
  const total = dataset.count;
  const n = params.L * params.L;
  const doneByWorker = new Array<number>(workerCount).fill(0);
  const workers: Worker[] = [];
  const report = () => onProgress?.(doneByWorker.reduce((a, b) => a + b, 0), total);

  const runs = Array.from({ length: workerCount }, (_, w) => {
    const start = Math.floor((w * total) / workerCount);
    const end = Math.floor(((w + 1) * total) / workerCount);
    const job: IsingWorkerJob = { params: { ...params, temperatures: [...params.temperatures] }, start, end, progressEvery: PROGRESS_EVERY };
    const worker = startWorker(entry, job);
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      let finished = false;
      worker.on('message', (message: IsingWorkerMessage) => {
        if (message.type === 'progress') {
          doneByWorker[w] = message.done;
          report();
        } else if (message.type === 'done') {
          finished = true;
          dataset.spins.set(message.spins, start * n);
          dataset.energy.set(message.energy, start);
          dataset.magnetisation.set(message.magnetisation, start);
          doneByWorker[w] = end - start;
          report();
          resolve();
        } else {
          finished = true;
          reject(new Error(`Ising worker for snapshots [${start}, ${end}) failed: ${message.message}`));
        }
      });
      worker.on('error', (err) => {
        finished = true;
        reject(new Error(`Ising worker for snapshots [${start}, ${end}) failed: ${err.message}`));
      });
      worker.on('exit', (code) => {
        if (!finished) reject(new Error(`Ising worker for snapshots [${start}, ${end}) exited with code ${code} before it finished`));
      });
    });
  });

  return Promise.all(runs).then(
    () => undefined,
    async (err: unknown) => {
      await Promise.all(workers.map((worker) => worker.terminate()));
      throw err;
    },
  );
}

function startWorker(entry: IsingWorkerEntry, job: IsingWorkerJob): Worker {
  if (entry.kind === 'bundle') return new Worker(entry.file, { workerData: job, name: 'ising-generator' });
  // A worker does not inherit the parent's require hooks, so the source entry registers tsx itself.
  const code = `require(${JSON.stringify(entry.tsxRegister)});\nrequire(${JSON.stringify(entry.file)});`;
  return new Worker(code, { eval: true, workerData: job, name: 'ising-generator' });
}
