import * as path from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { makeStatus, readStatus, writeStatus } from '../engine/store/runFolder';
import type { RunRequest, WorkerJob, WorkerMessage } from '../engine/workerProtocol';
import type { EpochRecord } from '../shared/metrics';
import type { RunState } from '../shared/run';
import { RecordFeed } from './runFeeds';

/** A run trained by a worker thread of this extension host. */
interface LiveRun {
  feed: RecordFeed;
  worker: Worker;
  stopFlag: Int32Array;
  startedAt: number;
  /** Resolves when the worker has written its final status. */
  finished: Promise<void>;
  pending: EpochRecord[];
  flushTimer?: NodeJS.Timeout;
}


/** How long a stop request may take before the worker is terminated; an epoch of the modular-addition preset takes 1–2 s with the TypeScript kernels. */
const STOP_GRACE_MS = 15_000;
/** Epoch records are handed to panels at most this often, so a fast run does not flood the host and the webview. */
const FLUSH_MS = 200;

/**
 * Starts, tracks and stops training workers. Training never runs on the extension host's thread: each run is a
 * worker thread that writes its folder itself and posts every epoch here.
 */
export class RunManager implements vscode.Disposable {
  private readonly live = new Map<string, LiveRun>();
  private readonly stateEmitter = new vscode.EventEmitter<{ runDir: string; state: RunState; reason?: string }>();
  private readonly startedEmitter = new vscode.EventEmitter<RecordFeed>();
  readonly onDidChangeRunState = this.stateEmitter.event;
  readonly onDidStartRun = this.startedEmitter.event;
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private maxDelayMs = 0;

  constructor(private readonly workerPath: string, private readonly log: vscode.LogOutputChannel) {}

  isLive(runDir: string): boolean {
    return this.live.has(path.resolve(runDir));
  }

  liveFeeds(): RecordFeed[] {
    return [...this.live.values()].map((r) => r.feed);
  }

  feed(runDir: string): RecordFeed | undefined {
    return this.live.get(path.resolve(runDir))?.feed;
  }

  /** Largest event-loop delay seen while any run trained, in milliseconds. */
  maxEventLoopDelayMs(): number {
    this.sampleDelay();
    return this.maxDelayMs;
  }

  private sampleDelay(): void {
    if (this.delay.count > 0) this.maxDelayMs = Math.max(this.maxDelayMs, this.delay.max / 1e6);
  }

  /** Starts a worker and resolves with the run's feed once the worker has created or reopened the run folder. */
  start(request: RunRequest): Promise<RecordFeed> {
    const stopBuffer = new SharedArrayBuffer(4);
    const job: WorkerJob = { ...request, stopFlag: stopBuffer };
    const worker = new Worker(this.workerPath, { workerData: job, name: 'grokking-trainer' });
    const began = Date.now();
    if (this.live.size === 0) {
      // A re-enabled histogram counts the time it was disabled as one long delay, so it starts afresh.
      this.delay.enable();
      this.delay.reset();
    }

    return new Promise<RecordFeed>((resolve, reject) => {
      let run: LiveRun | undefined;
      let settle!: () => void;
      const finished = new Promise<void>((r) => (settle = r));
      const end = (state: RunState, reason?: string) => {
        if (!run) return;
        this.flush(run);
        run.feed.setState(state, reason);
        this.live.delete(run.feed.runDir);
        this.sampleDelay();
        if (this.live.size === 0) this.delay.disable();
        const seconds = ((Date.now() - run.startedAt) / 1000).toFixed(1);
        const line = `[run] ${state} ${run.feed.runDir} after ${seconds} s${reason ? `: ${reason}` : ''}`;
        if (state === 'failed') this.log.error(line);
        else this.log.info(line);
        this.stateEmitter.fire({ runDir: run.feed.runDir, state, reason });
        settle();
      };

      worker.on('message', (message: WorkerMessage) => {
        switch (message.type) {
          case 'started': {
            const feed = new RecordFeed(message.runDir, message.manifest, 'running');
            feed.reset(message.history);
            run = { feed, worker, stopFlag: new Int32Array(stopBuffer), startedAt: began, finished, pending: [] };
            this.live.set(feed.runDir, run);
            this.log.info(`[run] started ${feed.runDir} (${request.resumeDir ? 'resumed' : 'new'}; epochs ${message.manifest.config.epochs}; kernels ${message.manifest.kernels}; config ${message.manifest.configPath ?? 'none'})`);
            this.stateEmitter.fire({ runDir: feed.runDir, state: 'running' });
            this.startedEmitter.fire(feed);
            resolve(feed);
            break;
          }
          case 'epoch':
            if (run) {
              run.pending.push(message.record);
              const target = run;
              target.flushTimer ??= setTimeout(() => this.flush(target), FLUSH_MS);
            }
            break;
          case 'log':
            this.log.info(`[trainer] ${message.line}`);
            break;
          case 'done':
            end(message.status.state, message.status.reason);
            break;
          case 'failed':
            if (!run) {
              this.log.error(`[run] could not start: ${message.message}`);
              reject(new Error(message.message));
            } else {
              if (message.stack) this.log.debug(message.stack);
              end('failed', message.message);
            }
            break;
          default: {
            const unknown: never = message;
            this.log.warn(`[run] unknown worker message ${JSON.stringify(unknown)}`);
          }
        }
      });
      worker.on('error', (err) => {
        this.log.error(`[run] worker error${run ? ` in ${run.feed.runDir}` : ''}: ${err.stack ?? err.message}`);
        if (!run) reject(err);
      });
      worker.on('exit', (code) => {
        if (!run) {
          reject(new Error(`The training worker exited with code ${code} before the run started.`));
          return;
        }
        if (!this.live.has(run.feed.runDir)) return;
        // The worker ended without reporting: write the status it could not.
        const reason = code === 0 ? 'the trainer ended without a final status' : `the trainer exited with code ${code}`;
        const lastEpoch = run.feed.records().at(-1)?.epoch ?? 0;
        const stopping = Atomics.load(run.stopFlag, 0) !== 0;
        const state: RunState = stopping ? 'stopped' : 'failed';
        try {
          writeStatus(run.feed.runDir, makeStatus(state, lastEpoch, run.feed.config.epochs, new Date(run.startedAt).toISOString(), stopping ? 'stopped by the user (terminated)' : reason));
        } catch (err) {
          this.log.error(`[run] writing the status of ${run.feed.runDir} failed: ${String(err)}`);
        }
        end(state, stopping ? 'stopped by the user (terminated)' : reason);
      });
    });
  }

  private flush(run: LiveRun): void {
    clearTimeout(run.flushTimer);
    run.flushTimer = undefined;
    if (run.pending.length === 0) return;
    const batch = run.pending;
    run.pending = [];
    run.feed.append(batch);
  }

  /** Asks the run to stop after the current step and waits for its final status, terminating it after a grace period. */
  async stop(runDir: string): Promise<void> {
    const run = this.live.get(path.resolve(runDir));
    if (!run) return;
    Atomics.store(run.stopFlag, 0, 1);
    this.log.info(`[run] stop requested for ${run.feed.runDir}`);
    const timer = setTimeout(() => {
      this.log.warn(`[run] ${run.feed.runDir} did not stop within ${STOP_GRACE_MS / 1000} s; terminating its worker`);
      void run.worker.terminate();
    }, STOP_GRACE_MS);
    await run.finished;
    clearTimeout(timer);
  }

  /** Reads the status of a run folder, counting runs of this window as live. */
  status(runDir: string) {
    return readStatus(runDir, (dir) => this.isLive(dir));
  }

  dispose(): void {
    for (const run of this.live.values()) {
      Atomics.store(run.stopFlag, 0, 1);
      void run.worker.terminate();
    }
    this.delay.disable();
    this.stateEmitter.dispose();
    this.startedEmitter.dispose();
  }
}
