// Times the 101-point magnitude-pruning sweep of a modular-addition checkpoint: the 226-512-113 MLP of
// Manning-Coe et al. 2025 (arXiv 2502.01739), trained for a few epochs on the wasm-simd kernels, then pruned
// per layer and evaluated on the full 3831-row test set at every grid point. Prints the sweep time split into
// the per-layer sorts and the evaluations, the median over repeated sweeps with the full evaluation (loss and
// accuracy) and with the accuracy-only ArgmaxAccuracy, and the curve's area and c.
// Run: node scripts/build-wasm.mjs && npx tsx bench/pruning.ts [training epochs, default 10] [sweeps, default 3]
import * as path from 'node:path';
import { ArgmaxAccuracy, magnitudePruningSweep, pruningOrder, prunedLayers, type PruningCurve } from '../src/engine/analysis/pruning';
import { buildModularAddition } from '../src/engine/data/modularAddition';
import { loadKernels } from '../src/engine/kernels';
import { DEFAULT_EVAL_BATCH_ROWS, ModularAdditionTask } from '../src/engine/train/modularAdditionTask';
import { ModularAdditionTrainer } from '../src/engine/train/trainer';
import { defaultConfig } from '../src/shared/config/defaults';

const epochs = Number(process.argv[2] ?? 10);
const sweeps = Number(process.argv[3] ?? 3);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  process.env.GROKKING_INSPECTOR_WASM ??= path.resolve(__dirname, '../dist/kernels.wasm');
  const kernels = await loadKernels('wasm');
  const config = defaultConfig({ task: 'modular-addition', epochs, w0: 1 });

  // The checkpoint: the parameters after `epochs` epochs.
  let checkpoint: Float32Array | undefined;
  const trainer = new ModularAdditionTrainer(config, kernels);
  const trainStart = performance.now();
  trainer.run({
    onEpoch: () => {},
    onCheckpoint: (state) => {
      checkpoint = state.params.slice();
    },
    shouldStop: () => false,
    checkpointDue: (epoch: number) => epoch === epochs,
  });
  if (!checkpoint) throw new Error('the trainer wrote no checkpoint');
  console.log(`trained ${epochs} epochs in ${((performance.now() - trainStart) / 1000).toFixed(1)} s on ${kernels.name}`);

  // The copy that the sweep prunes and evaluates: a second task of the same config.
  const copy = new ModularAdditionTask(config, kernels);
  const source = checkpoint;

  const data = buildModularAddition(config.p, config.trainFraction, config.dataSeed);
  const argmax = new ArgmaxAccuracy(copy.model, data.testInputs, data.testTargets, DEFAULT_EVAL_BATCH_ROWS);

  const sortMs: number[] = [];
  const evalMs: number[] = [];
  const argmaxMs: number[] = [];
  const sweepMs: number[] = [];
  const argmaxSweepMs: number[] = [];
  let curve: PruningCurve | undefined;
  let argmaxCurve: PruningCurve | undefined;
  for (let s = 0; s < sweeps; s++) {
    let start = performance.now();
    for (const layer of prunedLayers(copy.model.tensors)) pruningOrder(source.subarray(layer.start, layer.start + layer.size));
    sortMs.push(performance.now() - start);

    start = performance.now();
    for (let e = 0; e < 5; e++) copy.evaluate('test', false);
    evalMs.push((performance.now() - start) / 5);

    start = performance.now();
    for (let e = 0; e < 5; e++) argmax.accuracy();
    argmaxMs.push((performance.now() - start) / 5);

    start = performance.now();
    curve = magnitudePruningSweep(source, copy.model, () => copy.evaluate('test', false).accuracy);
    sweepMs.push(performance.now() - start);

    start = performance.now();
    argmaxCurve = magnitudePruningSweep(source, copy.model, () => argmax.accuracy());
    argmaxSweepMs.push(performance.now() - start);
  }
  if (!curve || !argmaxCurve) return;
  const list = (times: number[]) => times.map((t) => t.toFixed(0)).join(', ');
  console.log(`per-layer sorts (fc1 115,712 + fc2 57,856 weights): ${median(sortMs).toFixed(1)} ms`);
  console.log(`one test evaluation (3831 rows): full ${median(evalMs).toFixed(1)} ms, accuracy only ${median(argmaxMs).toFixed(1)} ms`);
  console.log(`101-point sweep, full evaluation: median ${median(sweepMs).toFixed(0)} ms over ${sweeps} sweeps (${list(sweepMs)})`);
  console.log(`101-point sweep, accuracy only: median ${median(argmaxSweepMs).toFixed(0)} ms over ${sweeps} sweeps (${list(argmaxSweepMs)})`);
  const same = curve.points.every((p, i) => p.accuracy === argmaxCurve!.points[i].accuracy);
  console.log(`the two sweeps give ${same ? 'identical' : 'DIFFERENT'} accuracies`);
  const at = (i: number) => curve!.points[i].accuracy.toFixed(4);
  console.log(`accuracy at p = 0, 0.5, 0.9, 1: ${at(0)}, ${at(50)}, ${at(90)}, ${at(100)}; area ${curve.area.toFixed(4)}, c ${curve.compressibility.toFixed(3)}`);
}

void main();
