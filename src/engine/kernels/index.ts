import type { Kernels } from './types';
import { TypeScriptKernels } from './typescript';

export type KernelPreference = 'typescript' | 'auto';

/**
 * Returns a kernel set. `auto` will pick the fastest set that loads on this machine; today that is always the
 * TypeScript set.
 */
// TODO: return the WebAssembly kernels for 'auto' once src/engine/kernels/wasm* is in place.
export async function loadKernels(preference: KernelPreference = 'auto'): Promise<Kernels> {
  switch (preference) {
    case 'typescript':
    case 'auto':
      return new TypeScriptKernels();
    default: {
      const unknown: never = preference;
      throw new Error(`Unknown kernel preference "${String(unknown)}"; use 'typescript' or 'auto'.`);
    }
  }
}
