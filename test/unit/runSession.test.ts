import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { train } from '../../src/engine/run/session';
import { listCheckpoints, readCheckpointParams, readResumeState } from '../../src/engine/store/checkpoints';
import { readMetricsFile } from '../../src/engine/store/metricsLog';
import { readManifest, readStatus } from '../../src/engine/store/runFolder';
import { loadConfigText } from '../../src/shared/config/load';
import type { EpochRecord } from '../../src/shared/metrics';

const CONFIG = 'p: 11\nhiddenLayers: [24]\nepochs: 8\nbatchSize: 16\nseed: 0\nw0: 1\nlearningRate: 1e-2\ncheckpoints:\n  everyEpochUntil: 4\n  thenEvery: 2\n';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'gi-session-'));
}

/** Records without the wall-clock field, which differs between any two runs. */
function withoutTime(records: EpochRecord[]) {
  return records.map(({ elapsedSeconds: _ignored, ...rest }) => rest);
}

describe('training session and run folder', () => {
  const config = loadConfigText(CONFIG, 'yaml').config!;

  it('writes a complete run folder', async () => {
    const root = tempDir();
    const outcome = await train({ config, configPath: path.join(root, 'small.grok.yaml'), runsRoot: root, kernels: 'typescript' });
    const dir = outcome.runDir;
    assert.ok(path.basename(dir).startsWith('small-'));
    const manifest = readManifest(dir)!;
    assert.equal(manifest.config.p, 11);
    assert.equal(manifest.kernels, 'typescript');
    assert.equal(manifest.parameterCount, 22 * 24 + 24 + 24 * 11 + 11);
    assert.deepEqual(manifest.tensors.map((t) => t.name).length, 4);
    const read = readMetricsFile(path.join(dir, 'metrics.jsonl'));
    assert.deepEqual(read.records.map((r) => r.epoch), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(read.dropped, 0);
    assert.deepEqual(listCheckpoints(dir), [0, 1, 2, 3, 4, 6, 8]);
    assert.equal(readCheckpointParams(dir, 6).length, manifest.parameterCount);
    assert.equal(readStatus(dir)!.state, 'finished');
    assert.equal(outcome.summary.epochs, 8);
    const summary = JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8'));
    assert.deepEqual(summary, outcome.summary);
  });

  it('resumes a stopped run onto the same trajectory', async () => {
    const root = tempDir();
    const straight = await train({ config, runsRoot: path.join(root, 'a'), kernels: 'typescript' });

    // Stop after epoch 5 has been logged: the last checkpoint is epoch 4, so epoch 5 is trained again on resume.
    let logged = 0;
    const stopped = await train({
      config,
      runsRoot: path.join(root, 'b'),
      kernels: 'typescript',
      onEpoch: () => void logged++,
      shouldStop: () => logged >= 6,
    });
    assert.equal(stopped.status.state, 'stopped');
    assert.match(stopped.status.reason!, /checkpoint of epoch 4/);
    assert.equal(readResumeState(stopped.runDir)!.epoch, 4);

    const resumed = await train({ resumeDir: stopped.runDir, kernels: 'typescript' });
    assert.equal(resumed.status.state, 'finished');
    const a = readMetricsFile(path.join(straight.runDir, 'metrics.jsonl')).records;
    const b = readMetricsFile(path.join(stopped.runDir, 'metrics.jsonl')).records;
    assert.deepEqual(b.map((r) => r.epoch), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(withoutTime(b), withoutTime(a));
    assert.deepEqual(readCheckpointParams(stopped.runDir, 8), readCheckpointParams(straight.runDir, 8));
  });

  it('reports a dead trainer as stopped', () => {
    const root = tempDir();
    fs.writeFileSync(path.join(root, 'status.json'), JSON.stringify({ state: 'running', epoch: 3, epochs: 8, pid: 2 ** 22 + 12345, hostname: os.hostname(), startedAt: '', updatedAt: '' }));
    const status = readStatus(root)!;
    assert.equal(status.state, 'stopped');
    assert.match(status.reason!, /ended without writing a final status/);
  });

  it('rejects resuming a folder without a checkpoint', async () => {
    await assert.rejects(train({ resumeDir: tempDir() }), /not a run folder/);
  });
});
