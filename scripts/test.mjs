// The one test command (`npm test`): builds, runs the unit tests, then the end-to-end tests in a real VS Code
// (test/e2e/run-e2e.sh: each extension-host mocha test plus the UI phase), and prints the sum of both as the
// last line, `N passed, N failed`. A stage that crashes or exits non-zero without reporting a failed test
// counts as one failed test. Exits 1 when anything failed.
// Environment: SKIP_E2E=1 runs the unit tests only; E2E_RUN sets the e2e state folder (default .e2e-run/).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const e2eRun = process.env.E2E_RUN ?? path.join(root, '.e2e-run');
const unitResults = path.join(root, 'dist', 'unit-results.json');
const e2eResults = path.join(e2eRun, 'e2e-results.json');

/** @type {{ stage: string, passed: number, failed: number, note?: string }[]} */
const stages = [];

function runStep(command, args, env = {}) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const code = result.error ? `spawn error: ${result.error.message}` : (result.status ?? `signal ${result.signal}`);
  return { code, seconds };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Records a stage's counts, adding one failure when it crashed or failed without naming a failed test. */
function record(stage, code, counts, seconds) {
  let passed = counts?.passed ?? 0;
  let failed = counts?.failed ?? 0;
  let note;
  if (!counts) {
    failed += 1;
    note = `crashed before reporting results (exit ${code})`;
  } else if (code !== 0 && failed === 0) {
    failed += 1;
    note = `exited with ${code} although no test failed`;
  } else if (passed + failed === 0) {
    failed += 1;
    note = 'ran no test';
  }
  stages.push({ stage, passed, failed, note });
  console.log(`== ${stage}: ${passed} passed, ${failed} failed in ${seconds} s${note ? ` (${note})` : ''}`);
}

function printUnitTests(report) {
  for (const test of report.passes ?? []) console.log(`  ✔ ${test.fullTitle}`);
  for (const test of report.failures ?? []) {
    console.log(`  ✘ ${test.fullTitle}`);
    console.log(`    ${String(test.err?.stack ?? test.err?.message ?? '').replace(/\n/g, '\n    ')}`);
  }
}

console.log('== build');
const build = runStep(process.execPath, ['scripts/build.mjs']);
if (build.code !== 0) record('build', build.code, undefined, build.seconds);

if (build.code === 0) {
  console.log('== unit tests (mocha, test/unit)');
  fs.rmSync(unitResults, { force: true });
  const unit = runStep('npx', ['mocha', '--config', '.mocharc.json', '--reporter', 'json', '--reporter-option', `output=${unitResults}`]);
  const report = readJson(unitResults);
  if (report) printUnitTests(report);
  const counts = report && { passed: report.stats.passes, failed: report.stats.failures };
  record('unit tests', unit.code, counts, unit.seconds);
}

if (process.env.SKIP_E2E !== '1') {
  console.log('== end-to-end tests (code-server + Chromium)');
  fs.rmSync(e2eResults, { force: true });
  const e2e = runStep('bash', ['test/e2e/run-e2e.sh'], { E2E_RUN: e2eRun });
  record('end-to-end tests', e2e.code, readJson(e2eResults), e2e.seconds);
}

const passed = stages.reduce((sum, s) => sum + s.passed, 0);
const failed = stages.reduce((sum, s) => sum + s.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
