// Bundles the extension host, the training worker, the command-line tool, the webview script, the
// extension-host test suite and the benchmark with esbuild. Fails when the webview bundle reaches into the
// engine, the extension host or `vscode`, which its tsconfig alone cannot prevent.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'warning', minify: false, absWorkingDir: root };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const webviewBoundary = {
  name: 'webview-boundary',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.path === 'vscode') return { errors: [{ text: 'the webview must not import "vscode"; talk to the host through src/shared/protocol.ts' }] };
      if (args.kind === 'entry-point' || !args.path.startsWith('.')) return undefined;
      const target = path.resolve(args.resolveDir, args.path);
      for (const banned of ['src/engine', 'src/extension']) {
        if (target.startsWith(path.join(root, banned))) {
          return { errors: [{ text: `the webview must not import ${banned} (${args.path}); move shared code to src/shared` }] };
        }
      }
      return undefined;
    });
  },
};

const exists = (p) => fs.existsSync(path.join(root, p));
const builds = [
  exists('src/extension/extension.ts') && { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  exists('src/engine/worker.ts') && { ...node, entryPoints: ['src/engine/worker.ts'], outfile: 'dist/worker.js' },
  exists('src/engine/data/ising/worker.ts') && { ...node, entryPoints: ['src/engine/data/ising/worker.ts'], outfile: 'dist/ising-worker.js' },
  exists('src/engine/cli/main.ts') && { ...node, entryPoints: ['src/engine/cli/main.ts'], outfile: 'dist/cli.js' },
  exists('src/webview/main.ts') && { ...common, entryPoints: ['src/webview/main.ts'], outfile: 'dist/webview/main.js', platform: 'browser', format: 'iife', target: 'es2022', plugins: [webviewBoundary] },
  exists('src/webview/ising/main.ts') && { ...common, entryPoints: ['src/webview/ising/main.ts'], outfile: 'dist/webview/ising.js', platform: 'browser', format: 'iife', target: 'es2022', plugins: [webviewBoundary] },
  exists('test/exthost/index.ts') && { ...node, entryPoints: ['test/exthost/index.ts'], outfile: 'dist/test/exthost.js', external: ['vscode'], logOverride: { 'require-resolve-not-external': 'silent' } },
  exists('bench/main.ts') && { ...node, entryPoints: ['bench/main.ts'], outfile: 'dist/bench.js' },
  exists('bench/heap.ts') && { ...node, entryPoints: ['bench/heap.ts'], outfile: 'dist/bench-heap.js' },
].filter(Boolean);

// The WebAssembly kernels are compiled first; the bundles load dist/kernels.wasm at run time.
if (exists('src/engine/kernels/wasm/index.ts')) {
  const { spawnSync } = await import('node:child_process');
  const wasm = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-wasm.mjs')], { stdio: 'inherit' });
  if (wasm.status !== 0) process.exit(wasm.status ?? 1);
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
