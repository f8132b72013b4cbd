import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunManifest, RunState, RunStatus } from '../../shared/run';
import { readJson, writeFileAtomic } from './atomic';

/**
 * A run folder: `config.json` (RunManifest), `status.json` (RunStatus), `metrics.jsonl`, `checkpoints/` and, once
 * the run ends, `summary.json`. Everything a run produces is in its folder, so it can be read by a later session
 * or come from another machine.
 */
export const FILES = {
  manifest: 'config.json',
  status: 'status.json',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
} as const;

/** Makes a folder name such as `mod-add-grokking-20261204-211530-3fa2` that sorts by start time. */
export function newRunId(configName: string, now = new Date()): string {
  const stem = configName.replace(/\.grok\.(ya?ml|json)$/i, '').replace(/\.(ya?ml|json)$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'run';
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  const suffix = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${stem}-${stamp}-${suffix}`;
}

export function createRunFolder(runsRoot: string, runId: string, manifest: RunManifest): string {
  const dir = path.join(runsRoot, runId);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return dir;
}

export function readManifest(runDir: string): RunManifest | undefined {
  return readJson<RunManifest>(path.join(runDir, FILES.manifest));
}

export function writeStatus(runDir: string, status: RunStatus): void {
  writeFileAtomic(path.join(runDir, FILES.status), JSON.stringify(status, null, 2) + '\n');
}

export function makeStatus(state: RunState, epoch: number, epochs: number, startedAt: string, reason?: string): RunStatus {
  const status: RunStatus = { state, epoch, epochs, startedAt, updatedAt: new Date().toISOString() };
  if (reason) status.reason = reason;
  if (state === 'running') {
    status.pid = process.pid;
    status.hostname = os.hostname();
  }
  return status;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads `status.json`. A run whose status is running but whose trainer process on this machine is gone is
 * reported as stopped, with the reason, so it can be resumed. `isLiveHere` lets the caller exclude trainers it
 * runs itself in this process (a worker thread shares the process id of its host).
 */
export function readStatus(runDir: string, isLiveHere?: (runDir: string) => boolean): RunStatus | undefined {
  const status = readJson<RunStatus>(path.join(runDir, FILES.status));
  if (!status || status.state !== 'running') return status;
  const sameHost = status.hostname === os.hostname();
  const ownProcess = status.pid === process.pid;
  const dead = sameHost && status.pid !== undefined && (ownProcess ? !(isLiveHere?.(runDir) ?? false) : !processAlive(status.pid));
  if (!dead) return status;
  return { ...status, state: 'stopped', reason: `the trainer (process ${status.pid}) ended without writing a final status; resume the run to continue from its last checkpoint` };
}

/** Lists the run folders directly under `runsRoot` (folders that have a config.json), newest first. */
export function listRunFolders(runsRoot: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(runsRoot);
  } catch {
    return [];
  }
  return names
    .map((n) => path.join(runsRoot, n))
    .filter((d) => fs.existsSync(path.join(d, FILES.manifest)))
    .sort()
    .reverse();
}
