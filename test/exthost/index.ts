// Extension-host test entry, loaded as extensionTestsPath: VS Code calls run() inside the real extension host
// and exits with code 0 when the promise resolves, 1 when it rejects.
import * as fs from 'fs';
import { mocha } from './setup';
import './commands.test';
import './diagnostics.test';
import './runs.test';
import './authorsConfig.test';
import './ising.test';

/** One mocha test as the e2e driver counts it. */
interface TestResult {
  title: string;
  state: 'passed' | 'failed';
  error?: string;
}

/** Runs the suite and writes its results to $GROKKING_EXTHOST_RESULTS when that is set. */
export function run(): Promise<void> {
  const resultsFile = process.env.GROKKING_EXTHOST_RESULTS;
  return new Promise((resolve, reject) => {
    const tests: TestResult[] = [];
    const runner = mocha.run();
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed' }));
    // Also fires for failing hooks, so a broken `before` counts as a failure instead of passing silently.
    runner.on('fail', (test, error: unknown) => {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      tests.push({ title: test.fullTitle(), state: 'failed', error: text });
    });
    runner.on('end', () => {
      const passes = tests.filter((t) => t.state === 'passed').length;
      const failures = tests.length - passes;
      if (resultsFile) fs.writeFileSync(resultsFile, JSON.stringify({ passes, failures, tests }, null, 2));
      if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
  });
}
