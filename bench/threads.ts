// Times the wasm-simd kernels on one thread against two (a helper worker splitting the large products), both
// sets in one process with their runs alternated, so that a change in machine load reaches both sides.
// Workloads: single products at the modular-addition shapes of Manning-Coe et al. 2025 (arXiv 2502.01739), the
// batch-64 and full-batch training steps, the 3831-row test evaluation and the 101-point pruning sweep.
// Also Adam and the softmax at several sizes (`elementwise`), and whole epochs (`epoch`) on one thread, on two
// threads with only the products split (as before Adam and the softmax were), and on two threads with all three.
// Run: node scripts/build-wasm.mjs && npx tsx bench/threads.ts [products|steps|step64|elementwise|epoch|all] [rounds, default 5]
//   optional environment: THREADS_MIN_MADDS, THREADS_CHUNKS, THREADS_SPIN_MS, THREADS_MIN_ADAM, THREADS_ADAM_CHUNKS,
//   THREADS_MIN_SOFTMAX, THREADS_SOFTMAX_CHUNKS (the 2-thread set's options)
import * as path from 'node:path';
import { ArgmaxAccuracy, magnitudePruningSweep } from '../src/engine/analysis/pruning';
import { buildModularAddition } from '../src/engine/data/modularAddition';
import type { Kernels } from '../src/engine/kernels/types';
import { createWasmKernels, type WasmKernelOptions } from '../src/engine/kernels/wasmKernels';
import { Rng } from '../src/engine/rng';
import { DEFAULT_EVAL_BATCH_ROWS, ModularAdditionTask } from '../src/engine/train/modularAdditionTask';
import { StepRunner, earlyState, timeEpochs, workloadConfig } from './engine-workloads';

const mode = process.argv[2] ?? 'all';
const rounds = Number(process.argv[3] ?? 5);
const wasmPath = path.resolve(__dirname, '../dist/kernels.wasm');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function envNumber(name: string): number | undefined {
  const text = process.env[name];
  return text === undefined || text === '' ? undefined : Number(text);
}

/** Times `work` on each set in turn, `rounds` times; each timing is the mean ms of `reps` calls. */
function alternate(sets: Map<string, () => void>, reps: number): Map<string, number[]> {
  const times = new Map<string, number[]>([...sets.keys()].map((k) => [k, []]));
  for (const work of sets.values()) for (let r = 0; r < Math.max(2, reps >> 2); r++) work();
  for (let round = 0; round < rounds; round++) {
    for (const [name, work] of sets) {
      const start = performance.now();
      for (let r = 0; r < reps; r++) work();
      times.get(name)!.push((performance.now() - start) / reps);
    }
  }
  return times;
}

function report(label: string, times: Map<string, number[]>): void {
  const parts = [...times].map(([name, list]) => `${name} ${median(list).toFixed(3)} (${Math.min(...list).toFixed(3)}–${Math.max(...list).toFixed(3)})`);
  const medians = [...times.values()].map(median);
  console.log(`${label}: ${parts.join('  ')}  ratio ${(medians[0] / medians[medians.length - 1]).toFixed(2)}×`);
}

/** Adam at the modular-addition MLP's parameter count (174,193) and below, and the softmax at 16 to 3831 rows. */
function elementwise(one: Kernels, two: Kernels): void {
  for (const length of [4096, 16384, 32768, 65536, 174193]) {
    const sets = new Map<string, () => void>();
    for (const kernels of [one, two]) {
      const rng = new Rng(2);
      const [param, grad, m, v] = [0, 1, 2, 3].map(() => kernels.alloc(length));
      for (let i = 0; i < length; i++) {
        param[i] = rng.uniform() - 0.5;
        grad[i] = 1e-3 * (rng.uniform() - 0.5);
      }
      let step = 0;
      sets.set(kernels.name, () => kernels.adamStep(param, grad, m, v, length, ++step, 1e-3, 0.9, 0.98, 1e-8, 1, true));
    }
    report(`adamStep ${length} parameters, ms`, alternate(sets, Math.max(20, Math.round(4e6 / length))));
  }
  const classes = 113;
  for (const rows of [16, 32, 64, 128, 1024, 3831]) {
    const sets = new Map<string, () => void>();
    for (const kernels of [one, two]) {
      const rng = new Rng(3);
      const logits = kernels.alloc(rows * classes);
      const dLogits = kernels.alloc(rows * classes);
      const targets = new Int32Array(rows);
      for (let i = 0; i < logits.length; i++) logits[i] = 4 * (rng.uniform() - 0.5);
      for (let r = 0; r < rows; r++) targets[r] = rng.below(classes);
      sets.set(kernels.name, () => kernels.softmaxCrossEntropy(logits, targets, dLogits, rows, classes, 1 / rows, true));
    }
    report(`softmaxCrossEntropy ${rows}×${classes}, ms`, alternate(sets, Math.max(5, Math.round(2e4 / rows))));
  }
}

/** Whole epochs (see timeEpochs), 1 of warm-up and 5 timed per set and round, the sets alternated. */
function epochs(sets: Kernels[], labels: string[]): void {
  const medians = sets.map(() => [] as number[]);
  const evaluations = sets.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    sets.forEach((kernels, i) => {
      const timing = timeEpochs(kernels, { warmup: 1, runs: 5 });
      medians[i].push(timing.epoch.median);
      evaluations[i].push(timing.testEvaluation.median);
    });
  }
  report('whole epoch (140 steps of 64 + test evaluation), ms', new Map(labels.map((label, i) => [label, medians[i]])));
  console.log(`  rounds: ${JSON.stringify(medians.map((list) => list.map((x) => Math.round(x))))}`);
  report('  of which the 3831-row test evaluation, ms', new Map(labels.map((label, i) => [label, evaluations[i]])));
}

type Layout = 'matmul' | 'matmulTransA' | 'matmulTransB';

function productWork(kernels: Kernels, layout: Layout, m: number, k: number, n: number): () => void {
  const rng = new Rng(1);
  const a = kernels.alloc(m * k);
  const b = kernels.alloc(k * n);
  const c = kernels.alloc(m * n);
  for (let i = 0; i < a.length; i++) a[i] = rng.uniform() - 0.5;
  for (let i = 0; i < b.length; i++) b[i] = rng.uniform() - 0.5;
  return () => kernels[layout](a, b, c, m, k, n);
}

async function products(one: Kernels, two: Kernels): Promise<void> {
  const shapes: [Layout, number, number, number, string][] = [
    ['matmul', 64, 512, 113, 'batch-64 forward'],
    ['matmulTransA', 512, 64, 113, 'batch-64 dW2'],
    ['matmulTransB', 64, 113, 512, 'batch-64 dH'],
    ['matmul', 8, 512, 113, '8-row forward'],
    ['matmul', 16, 512, 113, '16-row forward'],
    ['matmul', 32, 512, 113, '32-row forward'],
    ['matmul', 128, 512, 113, '128-row forward'],
    ['matmul', 1024, 512, 113, 'evaluation chunk forward'],
    ['matmul', 8938, 512, 113, 'full-batch forward'],
    ['matmulTransA', 512, 8938, 113, 'full-batch dW2'],
    ['matmulTransB', 8938, 113, 512, 'full-batch dH'],
  ];
  for (const [layout, m, k, n, label] of shapes) {
    const reps = Math.max(3, Math.round(2e8 / (m * k * n)));
    const times = alternate(new Map([[one.name, productWork(one, layout, m, k, n)], [two.name, productWork(two, layout, m, k, n)]]), reps);
    report(`${label} ${layout} ${m}×${k}×${n} (${((m * k * n) / 1e6).toFixed(1)} M), ms`, times);
  }
}

function steps(one: Kernels, two: Kernels, batches: number[], sweep: boolean): void {
  for (const batch of batches) {
    const sets = new Map<string, () => void>();
    for (const kernels of [one, two]) {
      const config = workloadConfig('mlp', batch);
      const task = new ModularAdditionTask(config, kernels);
      const runner = new StepRunner(task, kernels, config);
      const state = earlyState(task);
      let s = 0;
      sets.set(kernels.name, () => {
        if (s % 140 === 0) runner.restore(state);
        runner.trainStep(s++);
      });
    }
    report(`batch-${batch} step (early), ms`, alternate(sets, batch === 64 ? 400 : 5));
  }
  if (!sweep) return;

  const evals = new Map<string, () => void>();
  const sweeps = new Map<string, () => void>();
  for (const kernels of [one, two]) {
    const config = workloadConfig('mlp');
    const task = new ModularAdditionTask(config, kernels);
    evals.set(kernels.name, () => task.evaluate('test', config.lossPrecision === 'float64'));
    const data = buildModularAddition(config.p, config.trainFraction, config.dataSeed);
    const argmax = new ArgmaxAccuracy(task.model, data.testInputs, data.testTargets, DEFAULT_EVAL_BATCH_ROWS);
    const source = Float32Array.from(task.model.params);
    sweeps.set(kernels.name, () => magnitudePruningSweep(source, task.model, () => argmax.accuracy()));
  }
  report('3831-row test evaluation, ms', alternate(evals, 20));
  report('101-point pruning sweep (accuracy only), ms', alternate(sweeps, 1));
}

async function main(): Promise<void> {
  const options: WasmKernelOptions = {
    threads: 2,
    minMultiplyAdds: envNumber('THREADS_MIN_MADDS'),
    chunks: envNumber('THREADS_CHUNKS'),
    helperSpinMs: envNumber('THREADS_SPIN_MS'),
    minAdamLength: envNumber('THREADS_MIN_ADAM'),
    adamChunks: envNumber('THREADS_ADAM_CHUNKS'),
    minSoftmaxRows: envNumber('THREADS_MIN_SOFTMAX'),
    softmaxChunks: envNumber('THREADS_SOFTMAX_CHUNKS'),
    log: (line) => console.log(line),
  };
  const one = await createWasmKernels(wasmPath, { threads: 1 });
  const two = await createWasmKernels(wasmPath, options);
  console.log(`two-thread options: ${JSON.stringify({ ...options, log: undefined })}`);
  if (mode === 'products' || mode === 'all') await products(one, two);
  if (mode === 'step64') steps(one, two, [64], false);
  if (mode === 'steps' || mode === 'all') steps(one, two, [64, 8938], true);
  if (mode === 'elementwise' || mode === 'all') elementwise(one, two);
  if (mode === 'epoch' || mode === 'all') {
    const productsOnly = await createWasmKernels(wasmPath, { ...options, minAdamLength: Infinity, minSoftmaxRows: Infinity });
    epochs([one, productsOnly, two], ['1 thread', '2 threads, products only', '2 threads, all']);
    productsOnly.dispose();
  }
  two.dispose?.();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
