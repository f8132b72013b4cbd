import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConvKernels, Kernels } from './types';
import { TypeScriptKernels } from './typescript';
import { TypeScriptConvKernels } from './typescriptConv';
import { createWasmKernels } from './wasmKernels';

export type KernelPreference = 'typescript' | 'wasm' | 'auto';

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
export function loadKernels(preference: KernelPreference = 'auto', log?: (line: string) => void): Promise<Kernels> {
  return loadKernelsFrom(wasmCandidates(), preference, log);
}

/** Does the work of `loadKernels`, looking for the WebAssembly module only in `candidates`. */
export async function loadKernelsFrom(candidates: string[], preference: KernelPreference, log?: (line: string) => void): Promise<Kernels> {
  switch (preference) {
    case 'typescript':
      return new TypeScriptKernels();
    case 'wasm':
    case 'auto': {
      const file = candidates.find((f) => fs.existsSync(f));
      try {
        if (!file) throw new Error(`kernels.wasm not found (looked in ${candidates.join(', ')}); run npm run build`);
        return await createWasmKernels(file);
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
