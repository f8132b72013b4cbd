// Drives a real VS Code (code-server, started by run-e2e.sh) in Debian's headless Chromium with playwright-core.
//   phase "exthost": loads the extension from source (extensionDevelopmentPath) and runs dist/test/exthost.js
//                    (extensionTestsPath) in code-server's Node extension host, as @vscode/test-electron does.
//                    Each mocha test counts as one test; the suite writes them to $GROKKING_EXTHOST_RESULTS.
//   phase "ui":      opens examples/mod-add-grokking.grok.yaml, runs "Grokking: Start Grokking Run" from the
//                    palette, checks the live panel beside the config draws a growing number of points, saves a
//                    screenshot and stops the run with "Grokking: Stop Run"; then reloads the window and
//                    checks that the panel comes back with every epoch. Counts as two tests.
//   phase "readme":  not a test; saves media/screenshot.png of a finished run (see phaseReadme).
// Environment: VSCODE_URL, RUN_DIR, EXT_DIR, GROKKING_EXTHOST_RESULTS, CHROMIUM (default /usr/bin/chromium),
// PHASES (default "exthost,ui").
// Writes $RUN_DIR/e2e-results.json ({passed, failed, tests[]}), prints `N passed, N failed` last and exits 1 on
// any failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';

const URL_BASE = process.env.VSCODE_URL ?? 'http://127.0.0.1:18080';
const RUN = requireEnv('RUN_DIR');
const EXT = process.env.EXT_DIR ?? path.resolve(import.meta.dirname, '../..');
const EXTHOST_RESULTS = requireEnv('GROKKING_EXTHOST_RESULTS');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PHASES = (process.env.PHASES ?? 'exthost,ui').split(',');
const OUT = path.join(EXT, 'test/e2e/out');
const EXAMPLE_CONFIG = 'examples/mod-add-grokking.grok.yaml';

// Bounds several times what a 2-core machine took: the workbench about 3 s after page.goto, the
// extension-host suite about 13 s, the panel about 9 s after the command (P = 113, 512 hidden units).
const EXTHOST_TIMEOUT_MS = 300_000;
const WORKBENCH_TIMEOUT_MS = 60_000;
const PANEL_TIMEOUT_MS = 60_000;
const GROWTH_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;

const t0 = Date.now();
const lap = (message) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @type {{ name: string, state: 'passed' | 'failed', error?: string }[]} */
const results = [];

function requireEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is missing; start the driver through test/e2e/run-e2e.sh`);
  return value;
}

async function withBrowser(name, fn) {
  // A fresh Chromium profile per phase, so no state leaks from one phase into the next.
  const profile = fs.mkdtempSync(path.join(RUN, `chromium-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      // Chromium still contacts Google hosts despite the flags above, so every name but loopback resolves
      // to NOTFOUND locally and no DNS query leaves the machine.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
      '--disable-features=AutofillServerCommunication,OptimizationHints,MediaRouter,Translate'],
  });
  // Abort and report any request that would leave the loopback server.
  await context.route(/^(?!(https?|wss?):\/\/(127\.0\.0\.1|localhost)(:\d+)?\/)/, (route) => {
    console.log('[blocked request]', route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.on('pageerror', (error) => console.log(`[${name} pageerror]`, error.message));
  try {
    return await fn(page);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

function workbenchUrl(workspace, payload) {
  let url = `${URL_BASE}/?folder=${encodeURIComponent(workspace)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}

function remoteUri(absolutePath) {
  return `vscode-remote://${new URL(URL_BASE).host}${absolutePath}`;
}

// The palette computes its command list when it opens, so a command contributed by an extension that is
// still activating can be missing: close and reopen until the row appears.
async function runCommand(page, title, tries = 20) {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; i < tries; i++) {
    await page.keyboard.press('F1');
    await input.waitFor();
    await input.fill('>' + title);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 1500 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
    }
  }
  throw new Error(`command not found in the palette after ${tries} tries: ${title}`);
}

/** Opens a workspace file through Quick Open (the palette without the `>` prefix). */
async function openFile(page, fileName) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  await input.waitFor();
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container .tab.active', { hasText: fileName }).waitFor({ timeout: 20_000 });
}

async function phaseExthost(page) {
  const workspace = path.join(RUN, 'ws-exthost');
  fs.mkdirSync(workspace, { recursive: true });
  fs.rmSync(EXTHOST_RESULTS, { force: true });

  const exited = new Promise((resolve) => {
    // The extension host's console, mocha's spec reporter included, arrives here as format-string arrays.
    page.exposeFunction('codeAutomationLog', (type, args) => {
      if (/builtin extensions from gallery/.test(String(args?.[0]))) return;
      console.log(`  [exthost ${type}]`, util.format(...(args ?? [])));
    });
    page.exposeFunction('codeAutomationExit', (code) => resolve(code));
  });
  const payload = [
    ['extensionDevelopmentPath', remoteUri(EXT)],
    ['extensionTestsPath', remoteUri(path.join(EXT, 'dist/test/exthost.js'))],
  ];
  await page.goto(workbenchUrl(workspace, payload));
  const code = await Promise.race([exited, sleep(EXTHOST_TIMEOUT_MS).then(() => 'timeout')]);
  lap(`extension-host suite exit code: ${code}`);

  if (!fs.existsSync(EXTHOST_RESULTS)) {
    throw new Error(`the extension-host suite wrote no results to ${EXTHOST_RESULTS} (exit code ${code})`);
  }
  const suite = JSON.parse(fs.readFileSync(EXTHOST_RESULTS, 'utf8'));
  for (const test of suite.tests) {
    results.push({ name: `exthost: ${test.title}`, state: test.state, error: test.error });
  }
  if (code !== 0 && suite.failures === 0) {
    throw new Error(`the extension host exited with code ${code} although no mocha test failed`);
  }
  if (suite.tests.length === 0) throw new Error('the extension-host suite ran no test');
}

/** Returns the largest `data-points` of the panel's canvases; chart.js canvases set it after each draw. */
async function readPoints(webview) {
  const values = await webview.locator('canvas[data-points]').evaluateAll((canvases) =>
    canvases.map((canvas) => Number(canvas.getAttribute('data-points'))));
  return values.length === 0 ? 0 : Math.max(...values);
}

async function newestRunDir(runsRoot) {
  const deadline = Date.now() + PANEL_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (fs.existsSync(runsRoot)) {
      const dirs = fs.readdirSync(runsRoot)
        .map((name) => path.join(runsRoot, name))
        .filter((dir) => fs.existsSync(path.join(dir, 'metrics.jsonl')))
        .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
      if (dirs.length > 0) return dirs[0];
    }
    await sleep(250);
  }
  throw new Error(`no run folder with metrics.jsonl appeared under ${runsRoot}`);
}

function boxContains(outer, inner) {
  return inner.x >= outer.x - 1 && inner.y >= outer.y - 1
    && inner.x + inner.width <= outer.x + outer.width + 1 && inner.y + inner.height <= outer.y + outer.height + 1;
}

/** Checks that the config and the panel sit in two editor groups, the config on the left, side by side. */
async function checkSideBySide(page, configName) {
  const groups = page.locator('.editor-group-container');
  const count = await groups.count();
  if (count < 2) throw new Error(`expected the config and the panel in two editor groups, found ${count} group(s)`);

  const configGroup = groups.filter({ has: page.locator('.tab', { hasText: configName }) }).first();
  const configBox = await configGroup.boundingBox();
  if (!configBox) throw new Error(`no editor group shows a tab for ${configName}`);

  // Webviews are drawn in an overlay above the editor area, so the panel's group is the one whose box
  // contains the webview's iframe.
  const frameBox = await page.locator('iframe.webview.ready').first().boundingBox();
  if (!frameBox) throw new Error('the panel webview has no visible iframe');
  let panelBox = null;
  for (let i = 0; i < count; i++) {
    const box = await groups.nth(i).boundingBox();
    if (box && boxContains(box, frameBox)) panelBox = box;
  }
  if (!panelBox) throw new Error(`no editor group contains the panel iframe at ${JSON.stringify(frameBox)}`);
  if (panelBox.x === configBox.x) throw new Error('the panel is in the same editor group as the config');
  if (!(panelBox.x >= configBox.x + configBox.width - 1)) {
    throw new Error(`the panel group (x=${panelBox.x}) is not to the right of the config group (x=${configBox.x}, width=${configBox.width})`);
  }
  const overlap = Math.min(configBox.y + configBox.height, panelBox.y + panelBox.height) - Math.max(configBox.y, panelBox.y);
  if (overlap < Math.min(configBox.height, panelBox.height) / 2) {
    throw new Error('the config and panel groups do not share a row');
  }
  lap(`layout: config group x=${Math.round(configBox.x)} w=${Math.round(configBox.width)}, panel group x=${Math.round(panelBox.x)} w=${Math.round(panelBox.width)}`);
}

async function waitForStatus(runDir, state) {
  const file = path.join(runDir, 'status.json');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  let last = 'missing';
  while (Date.now() < deadline) {
    try {
      last = JSON.parse(fs.readFileSync(file, 'utf8')).state;
      if (last === state) return;
    } catch {
      // Missing or rewritten at this moment; read again.
    }
    await sleep(250);
  }
  throw new Error(`${file} has state "${last}" after ${STOP_TIMEOUT_MS / 1000} s, expected "${state}"`);
}

async function phaseUi(page) {
  const workspace = path.join(RUN, 'ws-ui');
  const configName = path.basename(EXAMPLE_CONFIG);
  fs.mkdirSync(path.join(workspace, 'examples'), { recursive: true });
  fs.copyFileSync(path.join(EXT, EXAMPLE_CONFIG), path.join(workspace, EXAMPLE_CONFIG));

  const tUi = Date.now();
  await page.goto(workbenchUrl(workspace, [['extensionDevelopmentPath', remoteUri(EXT)]]));
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  lap('workbench visible');
  await openFile(page, configName);
  lap(`${configName} open`);
  await runCommand(page, 'Grokking: Start Grokking Run');
  lap('"Grokking: Start Grokking Run" run from the palette');

  // A webview is two iframes deep: the host frame iframe.webview.ready, then the content frame #active-frame.
  const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await webview.locator('body[data-state="rendered"]').waitFor({ timeout: PANEL_TIMEOUT_MS });
  await webview.locator('canvas[data-points]').first().waitFor({ timeout: PANEL_TIMEOUT_MS });
  const first = await readPoints(webview);
  lap(`panel rendered ${((Date.now() - tUi) / 1000).toFixed(1)} s after page.goto: ${first} points`);

  await checkSideBySide(page, configName);

  await sleep(3000);
  let second = await readPoints(webview);
  const growthDeadline = Date.now() + GROWTH_TIMEOUT_MS;
  while (second <= first && Date.now() < growthDeadline) {
    await sleep(1000);
    second = await readPoints(webview);
  }
  lap(`points: ${first} then ${second}`);
  if (!(second > first)) throw new Error(`the panel's point count did not grow: ${first} then ${second}`);

  const runDir = await newestRunDir(path.join(workspace, 'examples', 'runs'));
  const shot = path.join(runDir, 'e2e-panel.png');
  await page.screenshot({ path: shot });
  fs.mkdirSync(OUT, { recursive: true });
  fs.copyFileSync(shot, path.join(OUT, 'ui-panel.png'));
  lap(`screenshot: ${shot} (copied to ${path.join(OUT, 'ui-panel.png')})`);

  await runCommand(page, 'Grokking: Stop Run');
  await waitForStatus(runDir, 'stopped');
  lap(`run stopped: ${path.join(runDir, 'status.json')} has state "stopped"`);
  results.push({ name: 'ui: panel beside the example config draws a growing run', state: 'passed' });

  // A window reload destroys the webview; the panel serializer must bring it back from the run folder, with
  // every epoch that metrics.jsonl holds.
  const epochs = fs.readFileSync(path.join(runDir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).length;
  await page.reload();
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  const restored = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  try {
    await restored.locator('body[data-state="rendered"]').waitFor({ timeout: PANEL_TIMEOUT_MS });
  } catch (error) {
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'ui-reload-failure.png') });
    throw error;
  }
  let points = await readPoints(restored);
  const restoreDeadline = Date.now() + PANEL_TIMEOUT_MS;
  while (points !== epochs && Date.now() < restoreDeadline) {
    await sleep(500);
    points = await readPoints(restored);
  }
  lap(`after reload the panel shows ${points} points; metrics.jsonl has ${epochs} records`);
  if (points !== epochs) throw new Error(`after a window reload the panel shows ${points} points, expected ${epochs}`);
  results.push({ name: 'ui: panel comes back after a window reload', state: 'passed' });
}

/**
 * Not a test: opens the finished run folder $README_RUN beside its config with "Grokking: Show Live Panel" (for
 * an Ising run, "Grokking: Show Ising Features") and saves media/screenshot.png (media/ising-screenshot.png) for
 * the README. Run with PHASES=readme README_RUN=<run folder>.
 */
async function phaseReadme(page) {
  const source = requireEnv('README_RUN');
  const workspace = path.join(RUN, 'ws-readme');
  const ising = JSON.parse(fs.readFileSync(path.join(source, 'config.json'), 'utf8')).config.task === 'ising';
  const config = ising ? 'examples/ising-grokking.grok.yaml' : EXAMPLE_CONFIG;
  const configName = path.basename(config);
  const runName = path.basename(source);
  fs.mkdirSync(path.join(workspace, 'examples', 'runs'), { recursive: true });
  fs.copyFileSync(path.join(EXT, config), path.join(workspace, config));
  fs.cpSync(source, path.join(workspace, 'examples', 'runs', runName), { recursive: true, filter: (f) => !f.includes(`${path.sep}checkpoints`) });

  await page.goto(workbenchUrl(workspace, [['extensionDevelopmentPath', remoteUri(EXT)]]));
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: WORKBENCH_TIMEOUT_MS });
  await openFile(page, configName);
  // An Ising run shows its features panel beside the config; any other run its live panel.
  await runCommand(page, ising ? 'Grokking: Show Ising Features' : 'Grokking: Show Live Panel');
  const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: runName }).first();
  await pick.waitFor({ timeout: 20_000 });
  await pick.click();
  const webview = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  await webview.locator('body[data-state="rendered"]').waitFor({ timeout: PANEL_TIMEOUT_MS });
  await sleep(1500);
  const shot = path.join(EXT, 'media', ising ? 'ising-screenshot.png' : 'screenshot.png');
  await page.screenshot({ path: shot });
  lap(`README screenshot: ${shot}`);
}

const phases = { exthost: phaseExthost, ui: phaseUi, readme: phaseReadme };
for (const name of PHASES) {
  const phase = phases[name];
  if (!phase) {
    results.push({ name: `e2e ${name}`, state: 'failed', error: `unknown phase "${name}"` });
    continue;
  }
  const before = results.length;
  try {
    await withBrowser(name, phase);
    const failedTests = results.slice(before).filter((test) => test.state === 'failed');
    if (failedTests.length > 0) console.log(`FAIL e2e ${name}: ${failedTests.length} test(s) failed: ${failedTests.map((t) => t.name).join('; ')}`);
    else console.log(`ok   e2e ${name}`);
  } catch (error) {
    const message = String(error?.stack ?? error);
    console.log(`FAIL e2e ${name}: ${message}`);
    // A crashed phase counts as one failure on top of the tests it reported before crashing.
    const reported = results.slice(before);
    if (name === 'ui' || !reported.some((test) => test.state === 'failed')) {
      results.push({ name: `${name}: phase`, state: 'failed', error: message });
    }
  }
}

const passed = results.filter((test) => test.state === 'passed').length;
const failed = results.filter((test) => test.state === 'failed').length;
fs.writeFileSync(path.join(RUN, 'e2e-results.json'), JSON.stringify({ passed, failed, tests: results }, null, 2));
lap('done');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
