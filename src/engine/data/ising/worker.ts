import { parentPort, workerData } from 'node:worker_threads';
import { generateSnapshotRange } from './generate';
import type { IsingWorkerJob, IsingWorkerMessage } from './workerProtocol';

/** Ising worker thread: generates one contiguous range of snapshots and transfers the buffers back. */
const job = workerData as IsingWorkerJob;
const post = (message: IsingWorkerMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(message, transfer);

try {
  const count = job.end - job.start;
  const n = job.params.L * job.params.L;
  const out = { spins: new Int8Array(count * n), energy: new Float64Array(count), magnetisation: new Float64Array(count) };
  let reported = 0;
  generateSnapshotRange(job.params, job.start, job.end, out, (index) => {
    const done = index + 1 - job.start;
    if (done - reported >= job.progressEvery) {
      post({ type: 'progress', done });
      reported = done;
    }
  });
  post({ type: 'done', ...out }, [out.spins.buffer as ArrayBuffer, out.energy.buffer as ArrayBuffer, out.magnetisation.buffer as ArrayBuffer]);
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
