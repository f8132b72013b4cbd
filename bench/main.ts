// `npm run bench` times the training workloads of Manning-Coe et al. 2025 (arXiv 2502.01739) on the engine and,
// in the same invocation, on PyTorch through bench/reference/torch_bench.py. It prints median ms per step and the
// speed-up (PyTorch ms / ours).
//
//   npm run bench                  the table, plus a per-kernel split of every workload below the 2× target
//   npm run bench -- --json        the same, then the whole result as one JSON object on the last line
//   npm run bench -- --profile     the per-kernel split of every workload
//   npm run bench -- --no-reference   skip PyTorch
import * as path from 'node:path';
import { loadConvKernels, loadKernels } from '../src/engine/kernels';
import type { IsingDataset } from '../src/engine/data/ising/dataset';
import {
  benchIsingDataset, buildTask, earlyState, lateState, profileSteps, StepRunner, timeEpochs, timeSteps, workloadConfig,
  type ModelName,
} from './engine-workloads';
import { loadAverage, machineInfo } from './machine';
import { createProfile, profiled } from './profile';
import { REFERENCE_THREADS, runReference, type ReferenceRun, type ReferenceWorkload } from './torch-reference';
import type { RunPlan, Summary } from './timing';

/** Speed-up over PyTorch that the project aims for on every workload. */
const TARGET_SPEEDUP = 2;
/** Steps per modular-addition epoch at batch 64: ceil(8938 / 64), the last batch holding 42 rows. */
const STEPS_PER_EPOCH = 140;
/** Wall-time targets for whole modular-addition runs on two cores: 1000 epochs (the paper's) and 200. */
const RUN_TARGETS = [
  { epochs: 1000, seconds: 150 },
  { epochs: 200, seconds: 30 },
];
/** The paper's modular-addition training set: 70 % of 113² pairs. */
const FULL_BATCH = 8938;

interface StepWorkload {
  id: string;
  label: string;
  model: ModelName;
  batch: number;
  state: 'early' | 'late';
  plan: RunPlan;
}

// Steps and runs keep the whole default invocation near two minutes on a two-core machine.
const B64: RunPlan = { warmup: 100, steps: 200, runs: 5 };
const FULL: RunPlan = { warmup: 2, steps: 3, runs: 5 };
const ISING: RunPlan = { warmup: 10, steps: 20, runs: 5 };
const EPOCHS = { warmup: 1, runs: 3 };

const STEP_WORKLOADS: StepWorkload[] = [
  { id: 'modadd-b64-early', label: 'mod-add batch 64, early', model: 'mlp', batch: 64, state: 'early', plan: B64 },
  { id: 'modadd-b64-late', label: 'mod-add batch 64, late', model: 'mlp', batch: 64, state: 'late', plan: B64 },
  { id: 'modadd-full-early', label: 'mod-add full batch 8938, early', model: 'mlp', batch: FULL_BATCH, state: 'early', plan: FULL },
  { id: 'modadd-full-late', label: 'mod-add full batch 8938, late', model: 'mlp', batch: FULL_BATCH, state: 'late', plan: FULL },
  { id: 'ising-early', label: 'Ising CNN batch 300, early', model: 'cnn', batch: 300, state: 'early', plan: ISING },
  { id: 'ising-late', label: 'Ising CNN batch 300, late', model: 'cnn', batch: 300, state: 'late', plan: ISING },
];
const EPOCH_ID = 'modadd-epoch';

interface Row {
  id: string;
  label: string;
  unit: 'step' | 'epoch';
  ours: Summary;
  reference: (Summary & { threads: number; byThreads: Record<string, number | 'aborted'> }) | null;
  speedup: number | null;
}

const args = new Set(process.argv.slice(2));
const asJson = args.has('--json');
const profileAll = args.has('--profile');
const withReference = !args.has('--no-reference');

function log(line: string): void {
  // Progress goes to stderr so that --json leaves stdout to the table and the JSON line.
  console.error(line);
}

function fmt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

function verdict(speedup: number | null): string {
  if (speedup === null) return '';
  return speedup >= TARGET_SPEEDUP ? 'yes' : 'no';
}

function referenceCell(reference: Row['reference']): string {
  if (!reference) return 'n/a';
  const perThreads = Object.entries(reference.byThreads).map(([t, v]) => `${t}t ${v === 'aborted' ? 'aborted' : fmt(v)}`);
  return `${range(reference)} [${reference.threads}; ${perThreads.join(', ')}]`;
}
const range = (s: Summary): string => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;

async function main(): Promise<void> {
  const started = performance.now();
  const loadBefore = loadAverage();
  const kernels = await loadKernels('auto', log);
  const conv = loadConvKernels(kernels);
  // The WebAssembly set names itself 'wasm-simd-2t' when a helper thread splits its large products.
  const engineThreads = kernels.name.endsWith('-2t') ? 2 : 1;
  const needsIsing = STEP_WORKLOADS.some((w) => w.model === 'cnn');
  let ising: IsingDataset | null = null;
  let generation: { snapshots: number; seconds: number; sweeps: number; L: number } | null = null;
  if (needsIsing) {
    log('generating 1300 Ising snapshots…');
    const config = workloadConfig('cnn');
    const t0 = performance.now();
    ising = await benchIsingDataset(config);
    generation = { snapshots: ising.count, seconds: (performance.now() - t0) / 1000, sweeps: config.sweeps, L: config.lattice };
  }

  // Each workload runs on the engine and then on PyTorch before the next one starts, so that a change in the
  // load of a shared machine hits both sides of a ratio alike.
  const ours = new Map<string, Summary>();
  const reference: ReferenceRun = { available: withReference, results: {}, reason: withReference ? undefined : 'skipped (--no-reference)' };
  const referenceScripts = path.resolve(__dirname, '..', 'bench', 'reference');
  const measureReference = (workload: ReferenceWorkload): void => {
    // After the first failure (no torch, a crashed process) the remaining workloads go without a reference.
    if (reference.reason !== undefined) return;
    const r = runReference(referenceScripts, [workload], log);
    Object.assign(reference, { ...r, results: { ...reference.results, ...r.results } });
    reference.available = Object.keys(reference.results).length > 0;
  };

  for (const w of STEP_WORKLOADS) {
    log(`${w.label}…`);
    const config = workloadConfig(w.model, w.batch);
    const task = buildTask(w.model, config, kernels, conv, ising);
    const state = w.state === 'early' ? earlyState(task) : lateState(task);
    ours.set(w.id, timeSteps(new StepRunner(task, kernels, config), state, w.plan));
    measureReference({ id: w.id, kind: 'step', model: w.model, batch: w.batch, state: w.state, ...w.plan });
  }
  log('whole epochs…');
  const epochs = timeEpochs(kernels, EPOCHS);
  ours.set(EPOCH_ID, epochs.epoch);
  measureReference({ id: EPOCH_ID, kind: 'epoch', batch: 64, ...EPOCHS });

  const rows: Row[] = [...STEP_WORKLOADS.map((w) => ({ id: w.id, label: w.label, unit: 'step' as const })), { id: EPOCH_ID, label: 'mod-add whole epoch (140 steps + test)', unit: 'epoch' as const }]
    .map((r) => {
      const ourSummary = ours.get(r.id)!;
      const ref = reference.results[r.id] ?? null;
      return { ...r, ours: ourSummary, reference: ref, speedup: ref ? ref.median / ourSummary.median : null };
    });

  // Per-kernel split of the workloads below target (or of all of them with --profile).
  const profiles: Record<string, { phases: Record<string, number>; kernels: Record<string, number> }> = {};
  for (const w of STEP_WORKLOADS) {
    const row = rows.find((r) => r.id === w.id)!;
    if (!profileAll && !(row.speedup !== null && row.speedup < TARGET_SPEEDUP)) continue;
    const profile = createProfile();
    const config = workloadConfig(w.model, w.batch);
    const task = buildTask(w.model, config, profiled(kernels, profile), profiled(conv, profile), ising);
    const state = w.state === 'early' ? earlyState(task) : lateState(task);
    const runner = new StepRunner(task, profiled(kernels, profile), config);
    profileSteps(runner, state, w.plan.warmup, profile);
    const split = profileSteps(runner, state, w.plan.steps, profile);
    profiles[w.id] = { phases: Object.fromEntries(split.phases), kernels: Object.fromEntries(split.kernels) };
  }
  const loadAfter = loadAverage();

  const machine = machineInfo();
  const out: string[] = [];
  out.push(`Grokking Inspector benchmark, ${new Date().toISOString()}`);
  out.push(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB; ${machine.platform}; node ${machine.node}`);
  out.push(`load average (1, 5, 15 min): before ${loadBefore.join(', ')}; after ${loadAfter.join(', ')}`);
  out.push(`engine kernels: ${kernels.name} (${engineThreads === 2 ? 'large products on two threads' : 'one thread'}) + ${conv.name} convolutions`);
  if (reference.available) {
    out.push(`reference: PyTorch ${reference.torch} on ${reference.python}, flush_denormal on, BLAS ${reference.blas?.join(' → ') ?? 'not found in the process maps'}`);
    out.push(`  512×512 sgemm GFLOP/s by threads: ${Object.entries(reference.gemm512GflopsByThreads ?? {}).map(([t, g]) => `${t}: ${g}`).join(', ')}`);
    if (reference.reason) out.push(`  partial: ${reference.reason}`);
  } else {
    out.push(`reference: PyTorch not run: ${reference.reason}`);
  }
  out.push('');
  out.push('early = fresh w0 = 10 initialisation and zero Adam moments, consecutive steps;');
  out.push('late = those parameters × 1e-21 and Adam moments ≈ 1.5e-38 (scaled, not trained), restored before every step;');
  out.push('median of 5 timed runs (min–max) in ms per step, or per epoch for the last row.');
  out.push('');
  const header = ['workload', 'ours ms', `PyTorch ms [threads of ${REFERENCE_THREADS.join('/')}]`, 'speed-up', `≥ ${TARGET_SPEEDUP}×`];
  const body = rows.map((r) => [
    r.label,
    range(r.ours),
    referenceCell(r.reference),
    r.speedup === null ? 'n/a' : `${r.speedup.toFixed(2)}×`,
    verdict(r.speedup),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((b) => b[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => cell.padEnd(widths[c])).join(' | ');
  out.push(line(header));
  out.push(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const b of body) out.push(line(b));

  out.push('');
  const epochMs = epochs.epoch.median;
  const refEpoch = reference.results[EPOCH_ID];
  const lateStep = ours.get('modadd-b64-late')!.median;
  const lateEpochMs = STEPS_PER_EPOCH * lateStep + epochs.testEvaluation.median;
  out.push(`test evaluation (3831 rows) inside each epoch: ${range(epochs.testEvaluation)} ms`);
  if (generation) {
    out.push(`Ising generation: ${(generation.snapshots / generation.seconds).toFixed(0)} snapshots/s on one thread ` +
      `(${generation.snapshots} snapshots of ${generation.L}×${generation.L}, ${generation.sweeps} sweeps, ${generation.seconds.toFixed(1)} s)`);
  }
  const projections = RUN_TARGETS.map((t) => ({
    epochs: t.epochs,
    targetSeconds: t.seconds,
    oursSeconds: (epochMs * t.epochs) / 1000,
    oursLateSeconds: (lateEpochMs * t.epochs) / 1000,
    referenceSeconds: refEpoch ? (refEpoch.median * t.epochs) / 1000 : null,
  }));
  for (const p of projections) {
    const meets = p.oursSeconds < p.targetSeconds ? 'meets' : 'misses';
    const refText = p.referenceSeconds === null ? '' : `; PyTorch ${p.referenceSeconds.toFixed(0)} s`;
    out.push(
      `${p.epochs} epochs: ours ${p.oursSeconds.toFixed(0)} s at the early epoch time, ${p.oursLateSeconds.toFixed(0)} s at 140 late steps + test ` +
      `(target < ${p.targetSeconds} s: ${meets})${refText}`,
    );
  }

  for (const [id, p] of Object.entries(profiles)) {
    const label = STEP_WORKLOADS.find((w) => w.id === id)!.label;
    const phases = Object.entries(p.phases).map(([k, ms]) => `${k} ${fmt(ms)}`).join(', ');
    const kernelList = Object.entries(p.kernels).sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${fmt(ms)}`).join(', ');
    out.push('');
    out.push(`profile of ${label}, ms per step: phases ${phases}`);
    out.push(`  kernels: ${kernelList}`);
  }
  out.push('');
  out.push(`bench wall time ${((performance.now() - started) / 1000).toFixed(0)} s`);
  console.log(out.join('\n'));

  if (asJson) {
    const json = {
      date: new Date().toISOString(),
      machine,
      loadAverage: { before: loadBefore, after: loadAfter },
      engine: { kernels: kernels.name, conv: conv.name, threads: engineThreads },
      reference: { ...reference, results: undefined },
      targetSpeedup: TARGET_SPEEDUP,
      workloads: rows.map((r) => ({
        id: r.id,
        label: r.label,
        unit: r.unit,
        msPerStep: r.ours.median,
        min: r.ours.min,
        max: r.ours.max,
        referenceMsPerStep: r.reference?.median ?? null,
        referenceMin: r.reference?.min ?? null,
        referenceMax: r.reference?.max ?? null,
        referenceThreads: r.reference?.threads ?? null,
        referenceByThreads: r.reference?.byThreads ?? null,
        speedup: r.speedup,
      })),
      isingGeneration: generation && { ...generation, snapshotsPerSecond: generation.snapshots / generation.seconds },
      epoch: { msPerEpoch: epochMs, testEvaluationMs: epochs.testEvaluation.median, lateEstimateMsPerEpoch: lateEpochMs, projections },
      profiles,
    };
    console.log(JSON.stringify(json));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
