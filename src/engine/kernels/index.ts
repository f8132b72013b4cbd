import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConvKernels, Kernels } from './types';
import { TypeScriptKernels } from './typescript';
import { TypeScriptConvKernels } from './typescriptConv';
import { createWasmKernels } from './wasmKernels';

export type KernelPreference = 'typescript' | 'wasm' | 'auto';

export interface KernelLoadOptions {
  /**
   * Threads for the large matrix products of the WebAssembly set: 1, or 2 with a helper worker. When absent,
   * GROKKING_INSPECTOR_THREADS (1 or 2) decides, else DEFAULT_THREADS.
   */
  threads?: 1 | 2;
}

/**
 * Threads of the WebAssembly set when neither the option nor the environment sets them, on a machine with at
 * least two logical CPUs (one thread otherwise). wasm/README.md ("A second thread") gives the measurements.
 */
export const DEFAULT_THREADS: 1 | 2 = 2;

/** Returns the thread count from `options`, else GROKKING_INSPECTOR_THREADS, else the default for this machine. */
export function threadCount(
  options: KernelLoadOptions = {},
  env: string | undefined = process.env.GROKKING_INSPECTOR_THREADS,
  cpus: number = os.availableParallelism(),
): 1 | 2 {
  if (options.threads !== undefined) return options.threads;
  if (env === undefined || env === '') return cpus >= 2 ? DEFAULT_THREADS : 1;
  if (env === '1' || env === '2') return env === '1' ? 1 : 2;
  throw new Error(`GROKKING_INSPECTOR_THREADS must be 1 or 2, not "${env}".`);
}

/** Places where dist/kernels.wasm can be, for the bundles in dist/ and for sources run through tsx. */
function wasmCandidates(): string[] {
  const fromEnv = process.env.GROKKING_INSPECTOR_WASM;
  return [
    ...(fromEnv ? [fromEnv] : []),
    path.join(__dirname, 'kernels.wasm'),
    path.resolve(__dirname, '..', '..', '..', 'dist', 'kernels.wasm'),
  ];
}

/**
 * Returns a kernel set. `auto` picks the WebAssembly SIMD set when dist/kernels.wasm loads, else the TypeScript
 * set, and reports the fallback through `log`. `wasm` fails when the WebAssembly set does not load.
 */
export function loadKernels(preference: KernelPreference = 'auto', log?: (line: string) => void, options: KernelLoadOptions = {}): Promise<Kernels> {
  return loadKernelsFrom(wasmCandidates(), preference, log, options);
}

/** Does the work of `loadKernels`, looking for the WebAssembly module only in `candidates`. */
export async function loadKernelsFrom(
  candidates: string[], preference: KernelPreference, log?: (line: string) => void, options: KernelLoadOptions = {},
): Promise<Kernels> {
  switch (preference) {
    case 'typescript':
      return new TypeScriptKernels();
    case 'wasm':
    case 'auto': {
      const file = candidates.find((f) => fs.existsSync(f));
      const threads = threadCount(options);
      try {
        if (!file) throw new Error(`kernels.wasm not found (looked in ${candidates.join(', ')}); run npm run build`);
        return await createWasmKernels(file, { threads, log });
      } catch (err) {
        if (preference === 'wasm') throw err;
        log?.(`WebAssembly kernels unavailable (${err instanceof Error ? err.message : String(err)}); using the TypeScript kernels.`);
        return new TypeScriptKernels();
      }
    }
    default: {
      const unknown: never = preference;
      throw new Error(`Unknown kernel preference "${String(unknown)}"; use 'auto', 'wasm' or 'typescript'.`);
    }
  }
}

/**
 * Returns the convolution and pooling kernels of the Ising CNN for buffers from `kernels.alloc`. That is
 * `kernels.conv` (the WebAssembly set on the same memory) when the set has one. Otherwise it is the TypeScript
 * set, which takes Float32Array and Float64Array buffers from anywhere.
 */
export function loadConvKernels(kernels: Kernels): ConvKernels {
  return kernels.conv ?? new TypeScriptConvKernels();
}
