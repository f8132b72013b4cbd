import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// These tests run the built command line (npm run build writes dist/cli.js), as a user would.
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');
const SMALL = 'p: 11\nhiddenLayers: [16]\nbatchSize: 32\nseed: 0\nw0: 1\nlearningRate: 1e-2\n';

function workspace(config: string): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gi-cli-'));
  const file = path.join(dir, 'small.grok.yaml');
  fs.writeFileSync(file, config);
  return { dir, file };
}

describe('command line', function () {
  this.timeout(60_000);

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  });

  it('ends --json output with the summary', () => {
    const { dir, file } = workspace(SMALL + 'epochs: 3\n');
    const result = spawnSync(process.execPath, [CLI, 'train', file, '--json'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    const summary = JSON.parse(lines[lines.length - 1]);
    assert.deepEqual(Object.keys(summary).sort(), ['epochs', 'grokked', 'runDir', 'tGrok', 'tTest', 'tTrain', 'testAccuracy', 'trainAccuracy', 'wallSeconds']);
    assert.equal(summary.epochs, 3);
    assert.equal(path.dirname(summary.runDir), path.join(dir, 'runs'));
    const metrics = fs.readFileSync(path.join(summary.runDir, 'metrics.jsonl'), 'utf8').trim().split('\n');
    assert.equal(metrics.length, 4);
    assert.equal(JSON.parse(metrics[3]).testAccuracy, summary.testAccuracy);
  });

  it('stops on Ctrl+C and resumes', async () => {
    const { file } = workspace(SMALL + 'epochs: 1000000\n');
    const child = spawn(process.execPath, [CLI, 'train', file, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        // The pipe gets a progress line every 50 epochs; one after epoch 0 means steps are running.
        if (/epoch [1-9]\d*\//.test(stderr)) resolve();
      });
    });
    await started;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 130, stderr);
    assert.match(stdout, /provisional/);
    assert.match(stderr, /Stopped at epoch \d+; resume with/);
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    const status = JSON.parse(fs.readFileSync(path.join(summary.runDir, 'status.json'), 'utf8'));
    assert.equal(status.state, 'stopped');
    assert.ok(status.epoch >= 50, `stopped at epoch ${status.epoch}`);

    const resumed = spawnSync(process.execPath, [CLI, 'resume', summary.runDir, '--epochs', String(status.epoch + 5), '--json'], { encoding: 'utf8' });
    assert.equal(resumed.status, 0, resumed.stderr);
    const after = JSON.parse(resumed.stdout.trim().split('\n').at(-1)!);
    assert.equal(after.epochs, status.epoch + 5);
    assert.equal(JSON.parse(fs.readFileSync(path.join(summary.runDir, 'status.json'), 'utf8')).state, 'finished');
  });

  it('reports config errors with file and line', () => {
    const { file } = workspace('seed: 0\nlearningRate: "1e-4"\n');
    const result = spawnSync(process.execPath, [CLI, 'train', file], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.ok(result.stderr.includes(`${file}:2:15: error: learningRate is the string "1e-4"`), result.stderr);
  });

  it('suggests the option meant', () => {
    const result = spawnSync(process.execPath, [CLI, 'train', 'x.grok.yaml', '--epoch', '3'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown option --epoch\. Did you mean --epochs\?/);
  });

  it('explains a missing config and a swapped verb', () => {
    const { dir, file } = workspace(SMALL);
    const missing = spawnSync(process.execPath, [CLI, 'train', path.join(dir, 'nope.grok.yaml')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Config file not found: .*nope\.grok\.yaml/);
    const swapped = spawnSync(process.execPath, [CLI, 'resume', file], { encoding: 'utf8' });
    assert.equal(swapped.status, 2);
    assert.match(swapped.stderr, /is a file, not a run folder\. To train a config, use: grokking-inspector train/);
  });

  it('exits 2 without arguments', () => {
    const result = spawnSync(process.execPath, [CLI], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Usage:/);
    assert.equal(spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' }).status, 0);
  });

  it('rejects bad arguments with usage', () => {
    const result = spawnSync(process.execPath, [CLI, 'train', 'x.grok.yaml', '--epochs', '0'], { encoding: 'utf8' });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--epochs 0 is invalid/);
    assert.match(result.stderr, /Usage:/);
  });
});
