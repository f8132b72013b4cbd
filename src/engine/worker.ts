import { parentPort, workerData } from 'node:worker_threads';
import { train } from './run/session';
import type { WorkerJob, WorkerMessage } from './workerProtocol';

/** Training worker: runs one job off the extension host's thread and reports each epoch to the host. */
const job = workerData as WorkerJob;
const stop = new Int32Array(job.stopFlag);
const post = (message: WorkerMessage) => parentPort?.postMessage(message);
let runDir: string | undefined;

train({
  config: job.config,
  configPath: job.configPath,
  seedDrawn: job.seedDrawn,
  runsRoot: job.runsRoot,
  resumeDir: job.resumeDir,
  epochs: job.epochs,
  kernels: job.kernels,
  shouldStop: () => Atomics.load(stop, 0) !== 0,
  log: (line) => post({ type: 'log', line }),
  onStart: (dir, manifest, history) => {
    runDir = dir;
    post({ type: 'started', runDir: dir, manifest, history: [...history] });
  },
  onEpoch: (record, times) => post({ type: 'epoch', record, times }),
}).then(
  (outcome) => post({ type: 'done', runDir: outcome.runDir, status: outcome.status, summary: outcome.summary }),
  (err: unknown) => post({ type: 'failed', runDir, message: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined }),
);
