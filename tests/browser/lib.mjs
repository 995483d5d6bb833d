// lib.mjs - what the browser tests (dashboard.test.mjs, survey.test.mjs)
// share: the prerequisites, a scratch directory, the run's steps and
// summary, `cxpulse serve` on 127.0.0.1:0, Chromium, axe-core and
// screenshots. One test runs per process, so the run's state lives here.
//
//   const { BIN, TMP, DATA, env } = setup({ script, installer, tmpPrefix, limitSeconds });
//   try { await step('name', async () => { ... }); } catch (e) { crashed(e); }
//   finally { ...; await step('server stops cleanly ...', stopServer); }
//   finish('dashboard test');

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
export const ARTIFACTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'artifacts');
export const CHROMIUM = process.env.CXPULSE_CHROMIUM || '/usr/bin/chromium';
export const HOST = '127.0.0.1';
const SANITIZER_MARKERS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer', 'runtime error:',
  'WARNING: ThreadSanitizer', 'SUMMARY: UndefinedBehaviorSanitizer'];

const T0 = Date.now();
let passed = 0;
let failed = 0;
const failures = [];
let chromium = null; // playwright-core's
let run = null;      // {BIN, TMP, DATA, env}, set by setup()
let server = null;   // the cxpulse serve child
let serverErr = '';

// Checks what the test needs (argv[2] is the cxpulse binary; Chromium;
// playwright-core and axe-core installed by installer), exiting 2 or 1
// when it is missing; makes the scratch directory (tmpPrefix), removed on
// exit unless KEEP_TMP is set, and a watchdog that fails the run after
// limitSeconds. Returns {BIN, TMP, DATA, env}: env is for cxpulse children,
// without CXPULSE_DATA; the test may delete more from it.
export function setup({ script, installer, tmpPrefix, limitSeconds }) {
  const BIN = process.argv[2] ? path.resolve(process.argv[2]) : '';
  if (!BIN || !fs.existsSync(BIN)) {
    console.error(`usage: node tests/browser/${script} PATH_TO_CXPULSE`);
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`FAIL: ${CHROMIUM} is missing: install Debian's chromium (bash scripts/install-deps.sh)`);
    process.exit(1);
  }
  try {
    ({ chromium } = require('playwright-core'));
    require.resolve('axe-core/axe.min.js');
  } catch (e) {
    console.error('FAIL: playwright-core or axe-core is not installed: run ' +
      `npm ci --prefix tests/browser (${installer} does it)\n` + e.message);
    process.exit(1);
  }
  const TMP = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), tmpPrefix));
  const env = { ...process.env, LC_ALL: 'C' };
  delete env.CXPULSE_DATA;
  run = { BIN, TMP, DATA: path.join(TMP, 'data'), env };
  process.on('exit', () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    if (process.env.KEEP_TMP) console.error(`kept ${TMP}`);
    else fs.rmSync(TMP, { recursive: true, force: true });
  });
  // a hard limit, so a hung browser or server can never hang the suite
  const watchdog = setTimeout(() => {
    console.log(`FAIL the whole run took longer than ${limitSeconds} s`);
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, limitSeconds * 1000);
  watchdog.unref();
  return run;
}

// ---- the run's bookkeeping ----

// Runs one step; a throw fails it (printed with its stack). True when it passed.
export async function step(name, fn) {
  const t = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t} ms)`);
    return true;
  } catch (e) {
    failed++;
    failures.push(name);
    console.log(`FAIL ${name}\n     ${String(e && e.stack || e).split('\n').join('\n     ')}`);
    return false;
  }
}

// Counts an error outside any step (the scenario stopped) as a failure.
export function crashed(e) {
  failed++;
  console.log(`FAIL ${e.stack || e}`);
}

// Prints the summary, whose last line is "N passed, M failed"; exit code 1
// on any failure.
export function finish(what) {
  console.log(`${what} took ${((Date.now() - T0) / 1000).toFixed(1)} s; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
  if (failures.length) console.log(`failed: ${failures.join('; ')}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

// Throws when text (a child's stderr) holds a sanitizer report.
export function sanitizerCheck(what, text) {
  for (const m of SANITIZER_MARKERS)
    if (text.includes(m)) throw new Error(`sanitizer report from ${what}:\n${text.slice(0, 4000)}`);
}

// ---- the server ----

// Starts `cxpulse serve` on the run's data at 127.0.0.1:0 and waits until it
// is healthy; returns its base URL.
export async function startServer() {
  const { BIN, TMP, DATA, env } = run;
  const child = spawn(BIN, ['serve', '--data', DATA, '--listen', `${HOST}:0`,
    '--access-log', path.join(TMP, 'access.log')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s) => { serverErr += s; });
  const rl = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no first stdout line from cxpulse serve in 15 s:\n' + serverErr)), 15_000);
    rl.once('line', (l) => { clearTimeout(timer); resolve(l); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cxpulse serve exited ${code}:\n${serverErr}`)); });
  });
  rl.on('line', () => {}); // keep draining
  const m = /listening on http:\/\/127\.0\.0\.1:(\d+) /.exec(first);
  if (!m) throw new Error(`cannot read the port from ${JSON.stringify(first)}`);
  server = child;
  const base = `http://${HOST}:${m[1]}`;
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch { /* not yet */ }
    if (i > 100) throw new Error('server not healthy after 5 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return base;
}

// Stops the server with SIGTERM; throws unless it exits 0 without a
// sanitizer report.
export async function stopServer() {
  if (!server || server.exitCode !== null) return;
  const code = await new Promise((resolve) => {
    const timer = setTimeout(() => { server.kill('SIGKILL'); resolve('killed after 10 s'); }, 10_000);
    server.once('exit', (c, sig) => { clearTimeout(timer); resolve(c ?? sig); });
    server.kill('SIGTERM');
  });
  sanitizerCheck('cxpulse serve', serverErr);
  assert.equal(code, 0, `cxpulse serve should exit 0 on SIGTERM; stderr:\n${serverErr.slice(-3000)}`);
}

// ---- the browser ----

// Debian's Chromium, headless.
export function launchChromium() {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    // playwright gives every launch a fresh, temporary user-data dir
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Makes ARTIFACTS and removes the screenshots in it whose names match re.
export function clearArtifacts(re) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (re.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
}

// A full-page screenshot in ARTIFACTS/<name>.png.
export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name + '.png'), fullPage: true });
}

// Runs axe-core; prints every violation; throws on serious or critical ones.
export async function axe(page, name) {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  assert.ok(res.passes.length > 10, `axe on ${name} ran only ${res.passes.length} rules`);
  console.log(`     axe ${name}: ${res.passes.length} rules passed, ${res.violations.length} violated`);
  for (const v of res.violations) {
    const where = v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ');
    console.log(`     axe ${name}: [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length}x: ${where})`);
  }
  const bad = res.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.equal(bad.length, 0, `axe on ${name}: ${bad.map((v) => `${v.impact} ${v.id}`).join(', ')}`);
}

// Clicks locator (a form's button) and waits for the page it leads to (a
// POST answers 303, then the GET); returns that page's response.
export async function clickAndWait(page, locator) {
  const [resp] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return resp;
}
