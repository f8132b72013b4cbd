import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfigText, syntaxOf } from '../../shared/config/load';
import type { RunSummary } from '../../shared/metrics';
import type { RunStatus } from '../../shared/run';
import { readStatus } from '../store/runFolder';
import { PRODUCT_VERSION } from '../version';
import type { RunRequest, WorkerMessage } from '../workerProtocol';
import { parseArgs, USAGE, UsageError } from './args';
import { ProgressLine } from './progress';

function formatSummary(s: RunSummary, stopped: boolean): string {
  const t = (v: number | null) => (v === null ? 'not reached (accuracy has not risen above its epoch-0 value)' : String(v));
  const lines = [
    `epochs          ${s.epochs}`,
    `train accuracy  ${s.trainAccuracy.toFixed(4)}`,
    `test accuracy   ${s.testAccuracy.toFixed(4)}`,
    `t_train         ${t(s.tTrain)}`,
    `t_test          ${t(s.tTest)}`,
    `t_grok          ${s.tGrok === null ? 'n/a' : String(s.tGrok)}`,
    `grokked         ${s.grokked === null ? 'n/a' : s.grokked ? 'yes' : 'no'}`,
    `wall time       ${s.wallSeconds.toFixed(1)} s`,
    `run folder      ${s.runDir}`,
  ];
  // The times are measured against the best accuracy so far, so they can still move when training goes on.
  if (stopped) lines.push('(stopped early: t_train, t_test and t_grok are provisional)');
  return lines.join('\n');
}

/**
 * Trains in a worker thread (dist/worker.js, the extension's trainer), so that this thread stays free to handle
 * Ctrl+C: the first one sets the trainer's stop flag, checked before each step, the second quits at once.
 */
function trainInWorker(request: RunRequest): Promise<{ runDir: string; status: RunStatus; summary: RunSummary }> {
  const stopFlag = new SharedArrayBuffer(4);
  const worker = new Worker(path.join(__dirname, 'worker.js'), { workerData: { ...request, stopFlag } });
  let stopRequested = false;
  const onSigint = () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    Atomics.store(new Int32Array(stopFlag), 0, 1);
    process.stderr.write('\nStopping after the current step; press Ctrl+C again to quit at once.\n');
  };
  process.on('SIGINT', onSigint);

  let progress: ProgressLine | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      settled = true;
      progress?.end();
      process.off('SIGINT', onSigint);
      fn();
    };
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'started':
          progress = new ProgressLine(process.stderr, message.manifest.config.epochs);
          break;
        case 'epoch':
          progress?.update(message.record, message.times);
          break;
        case 'log':
          process.stderr.write(message.line + '\n');
          break;
        case 'done':
          finish(() => resolve({ runDir: message.runDir, status: message.status, summary: message.summary }));
          break;
        case 'failed':
          finish(() => reject(new Error(message.runDir ? `${message.message} (run folder ${message.runDir})` : message.message)));
          break;
        default: {
          const unknown: never = message;
          process.stderr.write(`unknown worker message ${JSON.stringify(unknown)}\n`);
        }
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => {
      if (!settled) finish(() => reject(new Error(`the training worker exited with code ${code} without a result`)));
    });
  });
}

async function main(argv: string[]): Promise<number> {
  const command = parseArgs(argv);
  if (command.kind === 'help') {
    (command.requested ? process.stdout : process.stderr).write(USAGE + '\n');
    return command.requested ? 0 : 2;
  }
  if (command.kind === 'version') {
    process.stdout.write(PRODUCT_VERSION + '\n');
    return 0;
  }

  const request: RunRequest = { epochs: command.epochs, kernels: command.kernels };
  if (command.kind === 'train') {
    const configPath = path.resolve(command.config);
    let text: string;
    try {
      text = fs.readFileSync(configPath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new UsageError(`Config file not found: ${configPath}. Check the path, or copy one from the examples folder.`);
      if (code === 'EISDIR') throw new UsageError(`${configPath} is a folder. To continue a run folder, use: grokking-inspector resume ${command.config}`);
      throw new UsageError(`Cannot read the config ${configPath}: ${(err as Error).message}`);
    }
    const loaded = loadConfigText(text, syntaxOf(configPath));
    for (const d of loaded.diagnostics) {
      process.stderr.write(`${configPath}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity}: ${d.message}\n`);
    }
    if (!loaded.config) {
      process.stderr.write(`The config has errors; fix them and run again.\n`);
      return 2;
    }
    Object.assign(request, {
      config: loaded.config,
      configPath,
      seedDrawn: loaded.seedDrawn,
      runsRoot: path.resolve(command.out ?? path.join(path.dirname(configPath), 'runs')),
    });
  } else {
    const dir = path.resolve(command.runDir);
    if (!fs.existsSync(dir)) throw new UsageError(`Run folder not found: ${dir}.`);
    if (!fs.statSync(dir).isDirectory()) {
      throw new UsageError(`${dir} is a file, not a run folder. To train a config, use: grokking-inspector train ${command.runDir}`);
    }
    const status = readStatus(dir);
    if (status?.state === 'running') throw new UsageError(`${dir} is training in another process (pid ${status.pid}); stop it there first.`);
    if (status?.state === 'finished' && (command.epochs === undefined || command.epochs <= status.epoch)) {
      throw new UsageError(`${dir} has already finished at epoch ${status.epoch}. Pass --epochs N with N > ${status.epoch} to train it further.`);
    }
    request.resumeDir = dir;
  }

  const outcome = await trainInWorker(request);
  const stopped = outcome.status.state === 'stopped';
  if (stopped) process.stderr.write(`Stopped at epoch ${outcome.status.epoch}; resume with: npx grokking-inspector resume ${outcome.runDir}\n`);
  process.stdout.write(formatSummary(outcome.summary, stopped) + '\n');
  if (command.json) process.stdout.write(JSON.stringify(outcome.summary) + '\n');
  // 130 is the shell's code for an end by SIGINT, so scripts can tell a stopped run from a finished one.
  return stopped ? 130 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`grokking-inspector: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
