// Times the Ising dataset generator and calibrates its number of sweeps.
//
//   npx tsx bench/ising-generate.ts [snapshots, default 1000]
//     prints snapshots per second at L = 16 and the default sweeps, with 1 and 2 worker threads.
//   npx tsx bench/ising-generate.ts calibrate [sweeps list, default 20,50,100,200,400] [samples per temperature, default 1000]
//     generates the default 50-temperature dataset for each number of sweeps and prints the stripe fraction of
//     the ordered snapshots and the test accuracy of threshold classifiers on E and |M|.
import { fitThreshold, thresholdAccuracy, countStripes } from '../src/engine/data/ising/baselines';
import type { IsingDataset } from '../src/engine/data/ising/dataset';
import { generateIsing, resolveIsingWorker } from '../src/engine/data/ising/parallel';
import { defaultIsingParams, isingTemperatures } from '../src/engine/data/ising/params';
import { splitIsing } from '../src/engine/data/ising/split';

/** Split seeds averaged over for the train-fitted accuracies; each split is 300 train / 1000 test. */
const SPLIT_SEEDS = 10;

async function timeGeneration(): Promise<void> {
  const snapshots = Number(process.argv[2] ?? 1000);
  const temperatures = isingTemperatures();
  const samplesPerTemperature = Math.max(1, Math.round(snapshots / temperatures.length));
  const params = { ...defaultIsingParams(0), samplesPerTemperature };
  const count = samplesPerTemperature * temperatures.length;
  console.log(`L = 16, ${params.sweeps} sweeps, ${count} snapshots; worker entry: ${resolveIsingWorker()?.kind ?? 'none (in-thread)'}`);
  for (const workers of [1, 2]) {
    const started = performance.now();
    await generateIsing(params, { workers });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${workers} worker(s): ${seconds.toFixed(2)} s, ${(count / seconds).toFixed(0)} snapshots/s`);
  }
}

function absolute(values: Float64Array): Float64Array {
  return values.map(Math.abs);
}

function evaluate(dataset: IsingDataset): { eTest: number; mTest: number; eBest: number; mBest: number } {
  const absM = absolute(dataset.magnetisation);
  let eTest = 0;
  let mTest = 0;
  for (let seed = 0; seed < SPLIT_SEEDS; seed++) {
    const split = splitIsing(dataset.count, seed);
    eTest += thresholdAccuracy(dataset.energy, dataset.label, split.test, fitThreshold(dataset.energy, dataset.label, split.train));
    mTest += thresholdAccuracy(absM, dataset.label, split.test, fitThreshold(absM, dataset.label, split.train));
  }
  const all = Int32Array.from({ length: dataset.count }, (_, i) => i);
  return {
    eTest: eTest / SPLIT_SEEDS,
    mTest: mTest / SPLIT_SEEDS,
    eBest: fitThreshold(dataset.energy, dataset.label, all).accuracy,
    mBest: fitThreshold(absM, dataset.label, all).accuracy,
  };
}

async function calibrate(): Promise<void> {
  const sweepsList = (process.argv[3] ?? '20,50,100,200,400').split(',').map(Number);
  const samplesPerTemperature = Number(process.argv[4] ?? 1000);
  console.log(`L = 16, 50 temperatures × ${samplesPerTemperature}, data seed 0; accuracies: threshold fitted on 300 train, scored on 1000 test, mean of split seeds 0–${SPLIT_SEEDS - 1}; "best" = threshold fitted on all snapshots`);
  console.log('sweeps | stripes / ordered | low |M| / ordered | E acc (best) | |M| acc (best) | generation s');
  for (const sweeps of sweepsList) {
    const params = { ...defaultIsingParams(0), sweeps, samplesPerTemperature };
    const started = performance.now();
    const dataset = await generateIsing(params, {});
    const seconds = (performance.now() - started) / 1000;
    const stripes = countStripes(dataset);
    const acc = evaluate(dataset);
    const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
    console.log(
      `${sweeps} | ${pct(stripes.stripes / stripes.ordered)} | ${pct(stripes.lowMagnetisation / stripes.ordered)} | ` +
        `${pct(acc.eTest)} (${pct(acc.eBest)}) | ${pct(acc.mTest)} (${pct(acc.mBest)}) | ${seconds.toFixed(1)}`,
    );
  }
}

(process.argv[2] === 'calibrate' ? calibrate() : timeGeneration()).catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
