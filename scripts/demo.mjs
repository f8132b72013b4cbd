// Trains the grokking (w0 = 10) and the steady (w0 = 0.1) modular-addition presets headless, side by side on two processes,
// and prints both summaries as one table. Usage: npm run demo [-- --epochs N]
// The run folders go to runs/demo/ and open in the extension with "Grokking: Show Live Panel".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const at = args.indexOf('--epochs');
// 300 epochs cover both regimes: the grokking preset reaches full test accuracy near epoch 60 and the steady one
// near epoch 15 (PyTorch reference runs of the same configuration), with a wide margin for seed-to-seed spread.
const epochs = at >= 0 ? args[at + 1] : '300';
if (!/^[1-9]\d*$/.test(epochs)) {
  console.error(`--epochs ${epochs} is invalid: give a whole number of epochs ≥ 1.`);
  process.exit(2);
}
const cli = path.join(root, 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('dist/cli.js is missing: run "npm run build" first (npm ci runs it).');
  process.exit(1);
}
const out = path.join(root, 'runs', 'demo');
const presets = [
  { name: 'grokking (w0 = 10)', config: 'examples/mod-add-grokking.grok.yaml' },
  { name: 'steady (w0 = 0.1)', config: 'examples/mod-add-steady.grok.yaml' },
];

function train(preset) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'train', path.join(root, preset.config), '--epochs', epochs, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    let partial = '';
    child.stderr.on('data', (d) => {
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop();
      for (const line of lines) if (line.trim()) console.log(`[${preset.name}] ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${preset.config} exited with code ${code}`));
      const last = stdout.trim().split('\n').at(-1);
      resolve(JSON.parse(last));
    });
  });
}

const started = Date.now();
console.log(`Training both presets for ${epochs} epochs on two processes; progress every 50 epochs.`);
const summaries = await Promise.all(presets.map(train));
const rows = [
  ['', ...presets.map((p) => p.name)],
  ['epochs', ...summaries.map((s) => String(s.epochs))],
  ['train accuracy', ...summaries.map((s) => s.trainAccuracy.toFixed(4))],
  ['test accuracy', ...summaries.map((s) => s.testAccuracy.toFixed(4))],
  ['t_train', ...summaries.map((s) => String(s.tTrain))],
  ['t_test', ...summaries.map((s) => String(s.tTest))],
  ['t_grok', ...summaries.map((s) => String(s.tGrok))],
  ['grokked', ...summaries.map((s) => (s.grokked ? 'yes' : 'no'))],
  ['wall time', ...summaries.map((s) => `${s.wallSeconds.toFixed(1)} s`)],
  ['run folder', ...summaries.map((s) => path.relative(root, s.runDir))],
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
console.log('');
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('   '));
console.log(`\nDemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
