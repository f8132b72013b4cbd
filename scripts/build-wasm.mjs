// Compiles the AssemblyScript kernels in src/engine/kernels/wasm/ to dist/kernels.wasm. Needs the
// `assemblyscript` devDependency; prints the compiler's diagnostics and exits non-zero when it fails.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const entry = 'src/engine/kernels/wasm/index.ts';
const outFile = 'dist/kernels.wasm';

// Shared memory lets a grown memory keep every view handed out before (a SharedArrayBuffer is never detached)
// and lets a worker thread run kernels on the same buffers. Its maximum must be declared: 32768 pages of
// 64 KiB are 2 GiB, which V8 reserves as address space only.
const MAXIMUM_PAGES = 32768;

let asc;
try {
  asc = await import('assemblyscript/asc');
} catch (error) {
  console.error(`build-wasm: cannot load the AssemblyScript compiler (${error.message}); run \`npm install\` to install the assemblyscript devDependency.`);
  process.exit(1);
}

fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
const { error, stderr } = await asc.main([
  path.join(root, entry),
  '--outFile', path.join(root, outFile),
  '--optimizeLevel', '3',
  '--shrinkLevel', '0',
  '--runtime', 'stub',
  '--noAssert',
  '--use', 'abort=',
  '--importMemory',
  '--sharedMemory',
  '--maximumMemory', String(MAXIMUM_PAGES),
  '--enable', 'simd,threads',
]);
if (error) {
  console.error(stderr.toString());
  console.error(`build-wasm: compiling ${entry} failed: ${error.message}`);
  process.exit(1);
}
console.log(`build-wasm: wrote ${outFile} (${fs.statSync(path.join(root, outFile)).size} bytes)`);
