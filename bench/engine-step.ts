// Times the TypeScript kernels on the modular-addition run of Manning-Coe et al. 2025 (arXiv 2502.01739): P = 113, 226-512-113 MLP, batch 64,
// Adam with coupled weight decay. Prints ms per optimiser step, seconds per epoch including the test
// evaluation. Epoch 0 is one evaluation pass over all 12,769 pairs (train and test), which gives the cost of
// evaluation per row; the step time is the epoch time minus the 3831-row test evaluation, over 140 steps.
// Run: npx tsx bench/engine-step.ts [epochs, default 3]
import { TypeScriptKernels } from '../src/engine/kernels/typescript';
import { ModularAdditionTrainer } from '../src/engine/train/trainer';
import { defaultConfig } from '../src/shared/config/defaults';
import type { GrokConfig } from '../src/shared/config/types';

const epochs = Number(process.argv[2] ?? 3);
const config: GrokConfig = defaultConfig({ w0: 10, epochs });

const trainer = new ModularAdditionTrainer(config, new TypeScriptKernels());
const stepsPerEpoch = Math.ceil(8938 / config.batchSize);
let last = performance.now();
let evalSecondsPerRow = 0;
trainer.run({
  onEpoch(r) {
    const now = performance.now();
    const seconds = (now - last) / 1000;
    last = now;
    if (r.epoch === 0) evalSecondsPerRow = seconds / (113 * 113);
    const stepMs = ((seconds - evalSecondsPerRow * 3831) * 1000) / stepsPerEpoch;
    const perStep = r.epoch === 0 ? '  (evaluation of all pairs)' : `  ${stepMs.toFixed(2)} ms/step`;
    console.log(`epoch ${r.epoch}: ${seconds.toFixed(2)} s  train loss ${r.trainLoss.toFixed(4)} acc ${r.trainAccuracy.toFixed(4)}  test acc ${r.testAccuracy.toFixed(4)}${perStep}`);
  },
  onCheckpoint() {},
  shouldStop: () => false,
  checkpointDue: () => false,
});
