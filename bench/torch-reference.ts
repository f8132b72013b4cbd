// Runs bench/reference/torch_bench.py, the PyTorch rebuild of the paper's models, once per thread count and keeps
// each workload's faster setting.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Summary } from './timing';

/** Interpreters tried in order; Debian's python3-torch installs for /usr/bin/python3, not for a pyenv python3. */
const PYTHON_CANDIDATES = [process.env.GROKKING_BENCH_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => !!p);
/** PyTorch thread counts compared; the machine the targets are set for has two cores. */
export const REFERENCE_THREADS = [1, 2];
/**
 * A second thread count whose warm-up runs this many times slower than the first one's median is abandoned:
 * on a shared two-core machine, two OpenMP threads can run 20–70× slower than one, which would take minutes.
 */
const ABORT_RATIO = 3;
/** Upper bound on one reference process, far above its usual 20–60 s. */
const PROCESS_TIMEOUT_MS = 10 * 60 * 1000;

export interface ReferenceWorkload {
  id: string;
  kind: 'step' | 'epoch';
  model?: 'mlp' | 'cnn';
  batch: number;
  state?: 'early' | 'late';
  warmup: number;
  steps?: number;
  runs: number;
}

export interface ReferenceResult extends Summary {
  threads: number;
  /** Median of each thread count, or 'aborted' when its warm-up overran. */
  byThreads: Record<string, number | 'aborted'>;
}

export interface ReferenceRun {
  available: boolean;
  /** Reason the reference is missing, when it is. */
  reason?: string;
  python?: string;
  torch?: string;
  blas?: string[];
  blasConfig?: string[];
  gemm512GflopsByThreads?: Record<string, number>;
  results: Record<string, ReferenceResult>;
}

interface ProcessOutput {
  torch: string;
  executable: string;
  blas: string[] | null;
  blasConfig: string[];
  gemm512Gflops: number;
  workloads: Record<string, (Summary & { aborted?: undefined }) | { aborted: true }>;
}

let foundPython: { python: string } | { reason: string } | undefined;

/** Returns the first interpreter that imports torch, or the reasons each candidate failed; probes only once. */
export function findTorchPython(): { python: string } | { reason: string } {
  foundPython ??= probePythons();
  return foundPython;
}

function probePythons(): { python: string } | { reason: string } {
  const failures: string[] = [];
  for (const candidate of PYTHON_CANDIDATES) {
    const probe = spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
    if (probe.status === 0) return { python: candidate };
    const detail = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    failures.push(`${candidate}: ${detail}`);
  }
  return { reason: `no python3 that imports torch (${failures.join('; ')}); see bench/reference/install.sh` };
}

function runProcess(python: string, script: string, threads: number, workloads: object[]): ProcessOutput {
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads) };
  const plan = JSON.stringify({ threads, workloads });
  const child = spawnSync(python, [script, plan], { encoding: 'utf8', env, timeout: PROCESS_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  if (child.status !== 0) {
    const why = child.error ? child.error.message : child.stderr.trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${python} ${path.basename(script)} with ${threads} thread(s) failed: ${why}`);
  }
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]) as ProcessOutput;
}

/**
 * Times every workload in PyTorch with each of `REFERENCE_THREADS`, one process per count, and keeps the count
 * with the lower median per workload. Never throws: a missing torch or a failed process becomes `reason`.
 */
export function runReference(scriptDir: string, workloads: ReferenceWorkload[], log: (line: string) => void): ReferenceRun {
  const script = path.join(scriptDir, 'torch_bench.py');
  if (!fs.existsSync(script)) return { available: false, reason: `${script} not found`, results: {} };
  const found = findTorchPython();
  if ('reason' in found) return { available: false, reason: found.reason, results: {} };

  const run: ReferenceRun = { available: true, python: found.python, gemm512GflopsByThreads: {}, results: {} };
  try {
    for (const threads of REFERENCE_THREADS) {
      log(`PyTorch with ${threads} thread(s)…`);
      const plan = workloads.map((w) => {
        const best = run.results[w.id];
        return best ? { ...w, abortAboveMs: best.median * ABORT_RATIO } : w;
      });
      const out = runProcess(found.python, script, threads, plan);
      run.torch = out.torch;
      run.python = out.executable;
      run.blas = out.blas ?? undefined;
      run.blasConfig = out.blasConfig;
      run.gemm512GflopsByThreads![String(threads)] = out.gemm512Gflops;
      for (const w of workloads) {
        const r = out.workloads[w.id];
        const previous = run.results[w.id];
        const byThreads = { ...(previous?.byThreads ?? {}) };
        if (!r || r.aborted) {
          byThreads[String(threads)] = 'aborted';
          if (previous) previous.byThreads = byThreads;
          continue;
        }
        byThreads[String(threads)] = r.median;
        run.results[w.id] = !previous || r.median < previous.median ? { ...r, threads, byThreads } : { ...previous, byThreads };
      }
    }
  } catch (err) {
    return { ...run, available: Object.keys(run.results).length > 0, reason: err instanceof Error ? err.message : String(err) };
  }
  return run;
}
