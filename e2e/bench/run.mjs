// The browser half of `cargo xtask bench`: start-up, requests per task, longest task and memory, measured in
// headless Chromium against simulators this script starts. Prints one JSON object (the last stdout line);
// xtask turns it into the table. BENCH_MODE=smoke does one start-up load and opens each page once (the files
// each fetches), nothing else.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';

const sim = process.env.KF_SIM_BIN;
const dist = process.env.PORTAL_DIST;
const floorDist = process.env.FLOOR_DIST;
if (!sim || !dist || !floorDist) throw new Error('Run through `cargo xtask bench` (it sets KF_SIM_BIN, PORTAL_DIST and FLOOR_DIST).');
const smoke = process.env.BENCH_MODE === 'smoke';
const loads = smoke ? 1 : Number(process.env.BENCH_LOADS ?? 10);
// Timings that vary from run to run (longest task, memory growth) are measured this many times; xtask
// reports the median.
const repeats = Number(process.env.BENCH_REPEATS ?? 3);
// A slow link (a hotel, a loaded VPN): what the bundle's bytes cost even when the machine is fast.
const SLOW_LINK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };
const throttledLoads = smoke ? 0 : 3;
const portBase = Number(process.env.BENCH_PORT_BASE ?? 19700);
const log = (line) => process.stderr.write(`bench: ${line}\n`);
// What a page's init script logs once the `app-ready` mark is set (see `openReady`).
const APP_READY = 'bench: app-ready';

const children = [];
process.on('exit', () => children.forEach((child) => child.kill('SIGKILL')));

/** A simulator on `port` serving `root` as helpdesk without sign-in; resolves once it answers. */
async function startSim(port, root, extra = []) {
  const child = spawn(sim, ['--port', String(port), '--dist', root, '--api', 'v25', '--anonymous-user', 'KEYEXAMPLE\\helpdesk', ...extra], { stdio: 'ignore' });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i += 1) {
    try {
      if ((await fetch(`${url}/__sim/health`)).ok) return url;
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the simulator on port ${port} did not start`);
}

const admin = async (url, method, path, body) => {
  const response = await fetch(`${url}/__sim/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  return response.status === 204 ? null : response.json();
};
const apiRequests = (url) => admin(url, 'GET', 'requests');

/** A static page with the portal's stylesheet and a DOM like its first page, marking `app-ready` on load. */
function staticPage() {
  const dir = mkdtempSync(join(tmpdir(), 'certportal-bench-static-'));
  const css = readdirSync(dist).find((name) => /^main-.*\.css$/.test(name));
  copyFileSync(join(dist, css), join(dir, css));
  writeFileSync(join(dir, 'ready.js'), "performance.mark('app-ready');\n");
  const links = ['Renew a certificate', 'Reenroll a store', 'Jobs'].map((text) => `<li><a href="#">${text}</a></li>`).join('');
  writeFileSync(join(dir, 'index.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Static</title>
<link rel="stylesheet" href="${css}"><script src="ready.js" defer></script></head><body>
<a class="skip-link" href="#main">Skip to main content</a><header><p>Certificate self-service</p><nav aria-label="Main"><ul>${links}</ul></nav></header>
<main id="main"><section><h1>Renew a certificate</h1><p class="lead">Renewal issues a new certificate in place of an existing one.</p>
<h2>1. Find the certificate</h2><fieldset class="find-by"><legend>How to find it</legend>
<div class="radio"><input type="radio" id="a" name="f" checked><label for="a">By certificate ID</label></div>
<div class="radio"><input type="radio" id="b" name="f"><label for="b">By thumbprint</label></div>
<div class="radio"><input type="radio" id="c" name="f"><label for="c">By searching</label></div></fieldset>
<form><div class="field"><label for="v">Certificate ID</label><input id="v"></div><button type="submit">Find certificate</button></form>
</section></main></body></html>`);
  return dir;
}

async function newPage(browser, { cacheDisabled = false, network = null } = {}) {
  const context = await browser.newContext();
  // The wasm instance's memory, for the memory measurement (the app itself exposes nothing).
  await context.addInitScript(({ APP_READY }) => {
    window.__longestTask = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longestTask = Math.max(window.__longestTask, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
    const keep = (result) => {
      const instance = result.instance ?? result;
      if (instance?.exports?.memory) window.__wasmMemory = instance.exports.memory;
      // The first module compiled and instantiated: the start-up phases' boundary between bytes and Rust.
      if (performance.getEntriesByName('wasm-instantiated').length === 0) performance.mark('wasm-instantiated');
      return result;
    };
    const streaming = WebAssembly.instantiateStreaming;
    WebAssembly.instantiateStreaming = (...args) => streaming(...args).then(keep);
    const plain = WebAssembly.instantiate;
    WebAssembly.instantiate = (...args) => plain(...args).then(keep);
    // Told through the console (see `openReady`).
    new PerformanceObserver((list) => {
      if (list.getEntriesByName('app-ready').length > 0) console.debug(APP_READY);
    }).observe({ type: 'mark' });
  }, { APP_READY });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  if (cacheDisabled || network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  }
  if (network) await cdp.send('Network.emulateNetworkConditions', network);
  return { context, page, cdp };
}

/**
 * Opens `url` and waits for the `app-ready` mark, returning its time. Waits through the console, not with
 * `waitForFunction`: that evaluates Playwright's injected script in the page (some 20 ms of main-thread work)
 * while the wasm is still compiling and mounting, which the start-up figure would count as the portal's.
 */
async function openReady(page, url) {
  const ready = page.waitForEvent('console', { predicate: (message) => message.text() === APP_READY, timeout: 30_000 });
  await page.goto(url, { waitUntil: 'commit' });
  await ready;
  return page.evaluate(() => performance.getEntriesByName('app-ready')[0].startTime);
}

/**
 * Navigation start → `app-ready`, in ms, for `count` cold loads (fresh context, cache disabled) of each of
 * `urls` (name → address), and where the time of each went: the page's HTML in, the wasm asked for and in,
 * compiled and instantiated (null for a page without wasm). The pages take turns, load by load, so a change
 * in the shared machine's load weighs on all of them alike rather than on whichever page was measured then.
 */
async function coldStarts(browser, urls, { count = loads, network = null } = {}) {
  const measured = Object.fromEntries(Object.keys(urls).map((name) => [name, { times: [], phases: [] }]));
  for (let i = 0; i < count; i += 1) {
    for (const [name, url] of Object.entries(urls)) {
      const { context, page } = await newPage(browser, { cacheDisabled: true, network });
      measured[name].times.push(await openReady(page, url));
      measured[name].phases.push(await page.evaluate(() => {
        const wasm = performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname.endsWith('.wasm'));
        return {
          html: performance.getEntriesByType('navigation')[0].responseEnd,
          wasmRequested: wasm?.startTime ?? null,
          wasmArrived: wasm?.responseEnd ?? null,
          instantiated: performance.getEntriesByName('wasm-instantiated')[0]?.startTime ?? null,
          ready: performance.getEntriesByName('app-ready')[0].startTime,
        };
      }));
      await context.close();
    }
  }
  return measured;
}

/** Each main-navigation link and the heading its page shows. */
const PAGES = [
  ['Expiring soon', 'Certificates expiring soon'],
  ['Reenroll a store', 'Reenroll a certificate store'],
  ['My requests', 'My requests'],
  ['Jobs', 'Orchestrator jobs'],
  ['This session', 'This session'],
  ['Renew a certificate', 'Renew a certificate'],
];

/**
 * The script and wasm files (names) the browser fetched for each page: /renew loaded cold until app-ready,
 * then each navigation link followed in turn until its page's heading shows. A page whose code is its own
 * module fetches it on first use; one fetched before is not fetched again.
 */
async function downloadsPerPage(browser, url) {
  const { context, page } = await newPage(browser);
  let fetched = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (/\.(wasm|js)$/.test(name)) fetched.push(name);
  });
  await openReady(page, `${url}/renew`);
  // In order (a JSON object's keys would come back sorted): [page, files fetched].
  const downloads = [['Renew a certificate (first load)', fetched]];
  for (const [link, heading] of PAGES) {
    fetched = [];
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
    downloads.push([link, fetched]);
  }
  await context.close();
  return downloads;
}

/** Requests per `METHOD path` (paths without /KeyfactorAPI) and the total. */
function countByKind(requests) {
  const kinds = {};
  for (const r of requests) {
    const key = `${r.method} ${r.path.replace(/^.*\/KeyfactorAPI/, '').replace(/\/[0-9a-f-]{36}|\/\d+$/gi, '/{id}')}`;
    kinds[key] = (kinds[key] ?? 0) + 1;
  }
  return { total: requests.length, kinds };
}

async function oneClickRenewAndReplace(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page } = await newPage(browser);
  await page.goto(`${url}/renew?id=1`);
  await page.locator('#renewal-plan').waitFor();
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await page.getByRole('heading', { name: 'Renewal result: issued' }).waitFor();
  await page.getByRole('button', { name: /^Replace in all/ }).click();
  const rows = page.getByRole('table', { name: /Installation jobs/ }).locator('.job-status');
  await rows.first().waitFor();
  await admin(url, 'POST', 'jobs/advance', { ms: 60_000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.job-status')].every((cell) => cell.textContent.includes('completed')), null, { timeout: 90_000 });
  const counted = countByKind(await apiRequests(url));
  await context.close();
  return counted;
}

async function seededRenewal(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page } = await newPage(browser);
  await page.goto(`${url}/renew?id=2`);
  await page.locator('#renewal-plan').waitFor();
  await page.getByLabel('Enrollment pattern').selectOption({ label: 'Web Server (2 years)' });
  await page.getByLabel('Certificate authority').selectOption('ca02.keyexample.com\\CorpIssuingCA2');
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await page.getByRole('heading', { name: 'Renewal result: issued' }).waitFor();
  const counted = countByKind(await apiRequests(url));
  await context.close();
  return counted;
}

async function storeId(url, path) {
  const response = await fetch(`${url}/KeyfactorAPI/CertificateStores`, { headers: { 'x-keyfactor-requested-with': 'APIClient', accept: 'application/json' } });
  return (await response.json()).find((store) => store.Storepath === path).Id;
}

/** Opens the reenrollment form for web02's store, types into every field, and submits. */
async function submitReenrollment(page, url, { pollFast = false } = {}) {
  if (pollFast) {
    await page.route('**/config.json', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, json: { ...(await response.json()), poll_interval_ms: 100, poll_max_interval_ms: 100 } });
    });
  }
  await page.goto(`${url}/reenroll?store=${await storeId(url, '/etc/nginx/tls/web02.pem')}`);
  await page.getByLabel('Subject name').pressSequentially('CN=web02.eu.keyexample.com,OU=Platform\\, Web,O="Key Example, Inc.",L=Independence,ST=OH,C=US');
  await page.getByRole('textbox', { name: /^Alias/ }).pressSequentially('web02-bench');
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await page.getByRole('heading', { name: 'Reenrollment job' }).waitFor();
}

/** A reenrollment whose job takes 60 s (30 s waiting, 30 s running), followed with the default polling. */
async function reenrollmentOfAMinute(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page } = await newPage(browser);
  await submitReenrollment(page, url);
  // What follows is the polling; the start-up's own tasks are measured apart.
  await page.evaluate(() => { window.__longestTask = 0; });
  await page.getByText('The job succeeded').waitFor({ timeout: 180_000 });
  const counted = countByKind(await apiRequests(url));
  const longest = await page.evaluate(() => window.__longestTask);
  await context.close();
  return { counted, longest };
}

/** Leaves the page while a job is polled; counts the API requests in the 15 s after. */
async function requestsAfterLeaving(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page } = await newPage(browser);
  await submitReenrollment(page, url);
  await page.waitForTimeout(3_000);
  await page.getByRole('link', { name: 'Renew a certificate' }).click();
  await page.getByRole('heading', { level: 1, name: 'Renew a certificate' }).waitFor();
  const before = (await apiRequests(url)).length;
  await page.waitForTimeout(15_000);
  const after = (await apiRequests(url)).length;
  await context.close();
  return after - before;
}

/** Types into every field of the renewal lookup and search forms: the longest task of the start-up (compiling
 * and mounting, measured apart), then the longest while typing. */
async function typingInRenewal(browser, url) {
  const { context, page } = await newPage(browser);
  await openReady(page, `${url}/renew`);
  await page.waitForTimeout(500);
  const startup = await page.evaluate(() => {
    const longest = window.__longestTask;
    window.__longestTask = 0;
    return longest;
  });
  await page.getByRole('textbox', { name: /^Certificate ID/ }).pressSequentially('1234567');
  await page.getByLabel('By thumbprint').check();
  await page.getByRole('textbox', { name: /^Thumbprint/ }).pressSequentially('70 44 18 09 ec 54 7d d6 50 6d a7 5b 9f 85 d2 ab ab 48 9e e7');
  await page.getByLabel('By searching').check();
  for (const label of ['Common name contains', 'Subject alternative name contains', 'Serial number contains', 'Expires within (days)']) {
    await page.getByLabel(label).pressSequentially(label.startsWith('Expires') ? '30' : 'web01.eu.keyexample');
  }
  const typing = await page.evaluate(() => window.__longestTask);
  await context.close();
  return { startup, typing };
}

/** `measure()` run `repeats` times, one after the other. */
async function repeated(measure) {
  const runs = [];
  for (let i = 0; i < repeats; i += 1) runs.push(await measure());
  return runs;
}

/** wasm linear memory and JS heap (after a forced GC) of a page. */
async function memoryOf(page, cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const wasm = await page.evaluate(() => window.__wasmMemory?.buffer.byteLength ?? 0);
  return { wasm, js: usedSize };
}

/**
 * A page that asks for the job history with plain `fetch` every 100 ms and writes the row count (no wasm, no
 * framework): the browser's own memory growth over the same cycles, against which the portal's is read.
 */
function plainPollingPage() {
  const dir = mkdtempSync(join(tmpdir(), 'certportal-bench-polling-'));
  writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Polling</title><script src="poll.js" defer></script></head><body><p id="rows"></p></body></html>');
  writeFileSync(join(dir, 'poll.js'), `window.polls = 0;
async function poll() {
  const response = await fetch('KeyfactorAPI/OrchestratorJobs/JobHistory?pq.returnLimit=50', {
    headers: { Accept: 'application/json', 'x-keyfactor-requested-with': 'APIClient', 'x-keyfactor-api-version': '1' },
    cache: 'no-store', signal: AbortSignal.timeout(30000),
  });
  document.getElementById('rows').textContent = String((await response.json()).length);
  window.polls += 1;
  setTimeout(poll, 100);
}
poll();
`);
  return dir;
}

async function memoryOverPlainPolling(browser, url) {
  const { context, page, cdp } = await newPage(browser);
  await page.goto(`${url}/index.html`);
  const at = await memoryAtPolls(page, cdp, () => page.evaluate(() => window.polls));
  await context.close();
  return at;
}

/**
 * Memory after the 20th, 1,020th and 2,020th poll: the first thousand include the warm-up (V8 compiling the
 * wasm's hot functions again optimised, optimised JS, the browser's resource timing buffer filling up), the
 * second is the steady state a leak would show in.
 */
async function memoryAtPolls(page, cdp, polls) {
  const at = {};
  for (const [name, n] of [['before', 20], ['warm', 1_020], ['after', 2_020]]) {
    while ((await polls()) < n) await page.waitForTimeout(1_000);
    at[name] = await memoryOf(page, cdp);
  }
  return at;
}

/** 2,000 polling cycles (100 ms apart) against a job that never starts. */
async function memoryOverPolling(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page, cdp } = await newPage(browser);
  await submitReenrollment(page, url, { pollFast: true });
  const polls = async () => (await apiRequests(url)).filter((r) => r.path.endsWith('/OrchestratorJobs/JobHistory')).length;
  const at = await memoryAtPolls(page, cdp, polls);
  await context.close();
  return at;
}

/** Ticks the ten soonest expiries on "Expiring soon", renews them in one bulk run with Replace, and counts the
 * requests from opening the list until no row is under way (the installation jobs are left to run). */
async function bulkOfTen(browser, url) {
  await admin(url, 'POST', 'reset');
  const { context, page } = await newPage(browser);
  await page.goto(`${url}/expiring?days=30`);
  const list = page.getByRole('table', { name: /certificates expiring/ });
  await list.locator('tbody tr').first().waitFor();
  await page.waitForFunction(() => !document.body.textContent.includes('Reading…'));
  const boxes = list.getByRole('checkbox');
  for (let i = 0; i < 10; i += 1) await boxes.nth(i).check();
  await page.getByRole('button', { name: 'Renew the ticked certificates…' }).click();
  await page.getByRole('button', { name: /^Renew \d+ certificates$/ }).click();
  await page.waitForFunction(() => {
    const summary = document.getElementById('bulk-summary')?.textContent ?? '';
    return summary !== '' && !summary.includes('in progress') && !summary.includes('under way');
  }, null, { timeout: 60_000 });
  const summary = await page.locator('#bulk-summary').textContent();
  const counted = countByKind((await apiRequests(url)).filter((r) => !r.path.includes('/OrchestratorJobs/')));
  await context.close();
  return { ...counted, summary };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
});
const staticDir = staticPage();
const pollingDir = plainPollingPage();
const result = {};
try {
  const portal = await startSim(portBase, dist);
  const plain = await startSim(portBase + 1, staticDir);
  log(`start-up, ${loads} cold load(s) each`);
  // The smoke measures no floor app start-up.
  const floor = smoke ? null : await startSim(portBase + 4, floorDist);
  const starts = await coldStarts(browser, {
    portal: `${portal}/renew`,
    static: `${plain}/index.html`,
    ...(floor && { floor: `${floor}/` }),
  });
  result.startup = { portal: starts.portal.times, static: starts.static.times, floor: starts.floor?.times };
  result.startupPhases = { portal: starts.portal.phases, floor: starts.floor?.phases };
  log('files each page fetches, following every navigation link');
  result.downloads = await downloadsPerPage(browser, portal);
  if (!smoke) {
    log(`start-up over a slow link (1.6 Mbit/s, 150 ms), ${throttledLoads} cold loads of the portal and the floor app`);
    const throttled = await coldStarts(browser, { portal: `${portal}/renew`, floor: `${floor}/` }, { count: throttledLoads, network: SLOW_LINK });
    result.throttled = { portal: throttled.portal.times, floor: throttled.floor.times };
    log('requests: one-click renewal + Replace, seeded renewal');
    result.requests = { oneClickReplace: await oneClickRenewAndReplace(browser, portal), seeded: await seededRenewal(browser, portal) };
    log('requests: a bulk renewal of ten');
    result.requests.bulkOfTen = await bulkOfTen(browser, portal);
    const typing = await repeated(() => typingInRenewal(browser, portal));
    result.longestTask = { startup: typing.map((run) => run.startup), typing: typing.map((run) => run.typing) };
    log('requests: a reenrollment whose job takes 60 s (real time)');
    const minute = await startSim(portBase + 2, dist, ['--job-phase-ms', '30000']);
    const minutes = await repeated(() => reenrollmentOfAMinute(browser, minute));
    result.requests.reenrollment60s = minutes[0].counted;
    result.longestTask.reenrollment = minutes.map((run) => run.longest);
    result.requests.afterLeaving = await requestsAfterLeaving(browser, minute);
    // Timer-driven and light on the CPU, so the portal and the plain page poll side by side (each page's heap
    // is its own); one after the other they would take twice as long.
    log('memory: 2,000 polling cycles against a job that never starts, beside a plain JavaScript page polling the same way');
    const never = await startSim(portBase + 3, dist, ['--job-phase-ms', '1000000000']);
    const plainPolling = await startSim(portBase + 5, pollingDir);
    [result.memory, result.plainPollingMemory] = await Promise.all([
      repeated(() => memoryOverPolling(browser, never)),
      repeated(() => memoryOverPlainPolling(browser, plainPolling)),
    ]);
  }
} finally {
  await browser.close();
  rmSync(staticDir, { recursive: true, force: true });
  rmSync(pollingDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(0);
