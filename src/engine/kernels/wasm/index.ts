// @ts-nocheck: AssemblyScript, compiled by scripts/build-wasm.mjs into dist/kernels.wasm.
// The module's exports; src/engine/kernels/wasmKernels.ts wraps them as a Kernels set.
export { matmulRows, matmulTransARows, transpose } from './matmul';
export { gatherRows, scatterAddRows, addBias, sumRows, relu, reluBackward } from './rows';
export { softmaxCrossEntropy } from './softmax';
export { adamStep, sumSquares } from './adam';
export { exp64, log64, log1p64 } from './math64';
export { conv3x3Forward, conv3x3Backward, maxPool2x2Forward, maxPool2x2Backward } from './conv';

/** Returns the first byte after the module's static data, where the loader's bump allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}
