import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../..');
export const wasmPath = path.join(root, 'dist/kernels.wasm');
const sourceDir = path.join(root, 'src/engine/kernels/wasm');

function compilerInstalled(): boolean {
  try {
    require.resolve('assemblyscript/package.json', { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

/** Builds dist/kernels.wasm when it is missing or older than a source file; returns a reason when it cannot. */
export function ensureWasmBuilt(): string | undefined {
  const built = fs.existsSync(wasmPath) ? fs.statSync(wasmPath).mtimeMs : -Infinity;
  const newest = Math.max(...fs.readdirSync(sourceDir).map((f) => fs.statSync(path.join(sourceDir, f)).mtimeMs));
  if (built >= newest) return undefined;
  if (!compilerInstalled()) return 'dist/kernels.wasm is missing or stale and the assemblyscript compiler is not installed (npm install)';
  execFileSync(process.execPath, [path.join(root, 'scripts/build-wasm.mjs')], { cwd: root, stdio: 'pipe' });
  return undefined;
}
