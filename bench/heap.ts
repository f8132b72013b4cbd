// Measures whether training allocates per step: runs 10,080 steps of the paper's modular-addition run (72 epochs
// of 140 steps, WebAssembly kernels) and samples the V8 heap after a forced collection, the process RSS and the
// kernel memory every 8 epochs. Run: npm run bench:heap (node --expose-gc dist/bench-heap.js).
import { loadKernels } from '../src/engine/kernels';
import { createTrainer } from '../src/engine/train/create';
import { defaultConfig } from '../src/shared/config/defaults';

const EPOCHS = 72;
const STEPS_PER_EPOCH = 140;

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc so the heap can be measured after a collection');
  const kernels = await loadKernels('auto');
  const trainer = await createTrainer(defaultConfig({ w0: 10, epochs: EPOCHS }), kernels);
  const kernelMemory = () => (kernels as unknown as { memory?: { buffer: ArrayBufferLike } }).memory?.buffer.byteLength ?? 0;
  const samples: { steps: number; heap: number; rss: number; kernel: number }[] = [];
  const sample = (epoch: number) => {
    gc();
    const usage = process.memoryUsage();
    samples.push({ steps: epoch * STEPS_PER_EPOCH, heap: usage.heapUsed, rss: usage.rss, kernel: kernelMemory() });
  };
  sample(0);
  trainer.run({
    onEpoch: (record) => {
      if (record.epoch > 0 && record.epoch % 8 === 0) sample(record.epoch);
    },
    onCheckpoint: () => undefined,
    checkpointDue: () => false,
    shouldStop: () => false,
  });
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(2);
  console.log(`kernels: ${kernels.name}`);
  console.log('steps    heap MB   rss MB   kernel memory MB');
  for (const s of samples) console.log(`${String(s.steps).padEnd(8)} ${mb(s.heap).padStart(7)}  ${mb(s.rss).padStart(7)}  ${mb(s.kernel).padStart(8)}`);
  // The first 8 epochs warm up V8's compiled code and inline caches, so growth is measured after them.
  const first = samples[1];
  const last = samples[samples.length - 1];
  const perThousand = ((last.heap - first.heap) / (last.steps - first.steps)) * 1000;
  console.log(`heap growth after warm-up: ${(perThousand / 1024).toFixed(2)} KiB per 1000 steps (${first.steps}→${last.steps} steps)`);
  console.log(`kernel memory growth after warm-up: ${last.kernel - first.kernel} bytes`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
