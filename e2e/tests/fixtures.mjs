// Shared fixtures: every test fails on a console error, an uncaught page error (a Rust panic included) or a
// Content-Security-Policy violation, so no test can pass while the page is quietly broken.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect } from '@playwright/test';
import { ANON_V10 } from '../playwright.config.mjs';

/** Where each test's API exchanges are written for the OpenAPI contract check (`kf-contract`). */
function contractDir(testInfo) {
  return process.env.E2E_CONTRACT_DIR ?? join(testInfo.project.outputDir, 'contract');
}

export const test = base.extend({
  /** Where the simulator's admin API is, when `baseURL` is a proxy in front of it. */
  simURL: [undefined, { option: true }],
  /** The Command 10 simulator (anonymous help-desk user) of the project: recorded or spec-literal answers. */
  anonV10URL: [ANON_V10, { option: true }],
  /** The simulator behind `baseURL`, reset to its seed before each test (its admin API, loopback only). */
  sim: [async ({ request, baseURL, simURL }, use, testInfo) => {
    const admin = (path) => new URL(`/__sim/${path}`, simURL ?? baseURL).href;
    const call = async (method, path, data) => {
      const response = await request.fetch(admin(path), { method, data });
      expect(response.ok(), `${method} /__sim/${path}`).toBeTruthy();
      return response.status() === 204 ? null : response.json().catch(() => null);
    };
    await call('POST', 'reset');
    await use({
      /** Every API request the simulator saw since the reset, oldest first. */
      requests: () => call('GET', 'requests'),
      /** e.g. `{ method: 'POST', path: '/KeyfactorAPI/Enrollment/Renew', kind: 'status', status: 500 }` */
      fault: (spec) => call('POST', 'faults', spec),
      clearFaults: () => call('DELETE', 'faults'),
      /** Moves the orchestrators' clock so jobs progress without waiting. */
      advanceJobs: (ms) => call('POST', 'jobs/advance', { ms }),
      expireSessions: () => call('POST', 'session/expire'),
      /** Every string the portal shows from Keyfactor becomes a script/markup payload (until the next reset). */
      seedHostileStrings: () => call('POST', 'seed/hostile'),
      /** `count` more certificates, `svcNN.expiring.keyexample.com`, all expiring within 90 days. */
      seedExpiring: (count) => call('POST', 'seed/expiring', { count }),
    });
    // Everything the app sent and the simulator answered, per Command version, for the contract check.
    const [health, exchanges] = [await call('GET', 'health'), await call('GET', 'requests')];
    if (exchanges.length > 0) {
      const dir = contractDir(testInfo);
      mkdirSync(dir, { recursive: true });
      const major = health.api.split('.')[0];
      // `wire` tells recorded answers (shaped like real servers', not always like the spec) from spec-literal ones.
      const lines = exchanges.map((exchange) => JSON.stringify({ test: testInfo.titlePath.join(' › '), wire: health.wire, ...exchange }));
      appendFileSync(join(dir, `command-${major}.jsonl`), `${lines.join('\n')}\n`);
    }
  }, { auto: true }],

  // Automatic: every test that opens a page fails on a console error, a page error or a CSP violation; a
  // test provoking one on purpose takes `problems` and says which (allowedHttpStatuses, …).
  problems: [async ({ page }, use) => {
    const problems = [];
    // Chromium logs every non-2xx fetch as a console error; a test that provokes one on purpose says which.
    problems.allowedHttpStatuses = new Set();
    // Likewise a connection failure, by Chromium's name for it (e.g. 'ERR_EMPTY_RESPONSE').
    problems.allowedNetworkErrors = new Set();
    // Any other console error a test provokes on purpose, by a pattern of its text.
    problems.allowedConsoleErrors = [];
    await page.addInitScript(() => {
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
      });
    });
    page.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const status = /status of (\d{3})/.exec(msg.text())?.[1];
      if (status && problems.allowedHttpStatuses.has(Number(status))) return;
      const networkError = /net::(ERR_\w+)/.exec(msg.text())?.[1];
      if (networkError && problems.allowedNetworkErrors.has(networkError)) return;
      if (problems.allowedConsoleErrors.some((pattern) => pattern.test(msg.text()))) return;
      problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await use(problems);
    const csp = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
    expect([...problems, ...csp.map((v) => `CSP violation: ${v}`)]).toEqual([]);
  }, { auto: true }],
});

export { expect };

/** Signs in through the simulator's SSO stand-in as one of its demo users. */
export async function signIn(page, path, user) {
  await page.goto(path);
  await expect(page).toHaveURL(/oauth2\/sign_in/);
  await page.getByLabel(new RegExp(user, 'i')).check();
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Fails with the list of axe-core violations on the page as it is now. */
export async function expectNoAxeViolations(page, state) {
  const results = await new AxeBuilder({ page }).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`), state).toEqual([]);
}

/** Resolves once the app has mounted its first interactive page. */
export async function appReady(page) {
  await page.waitForFunction(() => performance.getEntriesByName('app-ready').length > 0);
}

/** Poll jobs every 200 ms, never slower than 400 ms: config.json as served, sped up. */
export async function fastPolling(page) {
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    await route.fulfill({ response, json: { ...config, poll_interval_ms: 200, poll_max_interval_ms: 400 } });
  });
}

/** Moves the simulated orchestrators' clock one phase at a time until `done` is visible. */
export async function advanceUntil(page, sim, done) {
  for (let i = 0; i < 6 && !(await done.isVisible()); i += 1) {
    await sim.advanceJobs(2_100);
    await page.waitForTimeout(700);
  }
  await expect(done).toBeVisible();
}

/** Presses Tab, as a keyboard user would, until `target` has focus; fails if it never gets it. */
export async function tabTo(page, target, maxPresses = 40) {
  for (let i = 0; i < maxPresses; i += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press('Tab');
  }
  await expect(target).toBeFocused();
}

/** Every console line the page writes, to prove no secret reaches it. */
export function recordConsole(page) {
  const lines = [];
  page.on('console', (msg) => lines.push(msg.text()));
  return lines;
}

/** A secret must be in none of the places a browser keeps or shows state: storage, IndexedDB, cookies, the
 * address, history state, the console. */
export async function expectSecretNowhere(page, consoleLines, secret) {
  expect(secret.length).toBeGreaterThan(0);
  const kept = await page.evaluate(async () => JSON.stringify({
    local: { ...localStorage },
    session: { ...sessionStorage },
    databases: (await indexedDB.databases()).map((d) => d.name),
    cookies: document.cookie,
    url: location.href,
    history: history.state,
  }));
  expect(kept).not.toContain(secret);
  const cookies = await page.context().cookies();
  expect(JSON.stringify(cookies)).not.toContain(secret);
  expect(page.url()).not.toContain(secret);
  expect(consoleLines.join('\n')).not.toContain(secret);
}
