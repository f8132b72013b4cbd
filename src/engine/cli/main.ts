import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfigText, syntaxOf } from '../../shared/config/load';
import type { RunSummary } from '../../shared/metrics';
import { train, type TrainingRequest } from '../run/session';
import { PRODUCT_VERSION } from '../version';
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

  let stopRequested = false;
  process.on('SIGINT', () => {
    if (stopRequested) process.exit(130);
    stopRequested = true;
    process.stderr.write('\nStopping after the current epoch; press Ctrl+C again to quit at once.\n');
  });

  let progress: ProgressLine | undefined;
  const request: TrainingRequest = {
    epochs: command.epochs,
    kernels: command.kernels,
    shouldStop: () => stopRequested,
    log: (line) => process.stderr.write(line + '\n'),
    onStart: (_runDir, manifest) => {
      progress = new ProgressLine(process.stderr, manifest.config.epochs);
    },
    onEpoch: (record, times) => progress?.update(record, times),
  };

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

  const outcome = await train(request);
  progress?.end();
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
