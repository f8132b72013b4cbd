import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfigText, syntaxOf } from '../../shared/config/load';
import type { RunSummary } from '../../shared/metrics';
import type { RunStatus } from '../../shared/run';
import { PRODUCT_VERSION } from '../version';
import type { RunRequest, WorkerMessage } from '../workerProtocol';
import { parseArgs, USAGE, UsageError } from './args';
import { ProgressLine } from './progress';

function formatSummary(s: RunSummary): string {
  const t = (v: number | null) => (v === null ? 'n/a' : String(v));
  return [
    `epochs          ${s.epochs}`,
    `train accuracy  ${s.trainAccuracy.toFixed(4)}`,
    `test accuracy   ${s.testAccuracy.toFixed(4)}`,
    `t_train         ${t(s.tTrain)}`,
    `t_test          ${t(s.tTest)}`,
    `t_grok          ${t(s.tGrok)}`,
    `grokked         ${s.grokked === null ? 'n/a' : s.grokked ? 'yes' : 'no'}`,
    `wall time       ${s.wallSeconds.toFixed(1)} s`,
    `run folder      ${s.runDir}`,
  ].join('\n');
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
    process.stdout.write(USAGE + '\n');
    return 0;
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
    request.resumeDir = command.runDir;
  }

  const outcome = await trainInWorker(request);
  if (outcome.status.state === 'stopped') process.stderr.write(`Stopped at epoch ${outcome.status.epoch}; resume with: grokking-inspector resume ${outcome.runDir}\n`);
  process.stdout.write(formatSummary(outcome.summary) + '\n');
  if (command.json) process.stdout.write(JSON.stringify(outcome.summary) + '\n');
  return 0;
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
