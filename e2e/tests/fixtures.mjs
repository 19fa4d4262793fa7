// Shared fixtures: every test fails on a console error, an uncaught page error (a Rust panic included) or a
// Content-Security-Policy violation, so no test can pass while the page is quietly broken.
import { test as base, expect } from '@playwright/test';

export const test = base.extend({
  problems: async ({ page }, use) => {
    const problems = [];
    // Chromium logs every non-2xx fetch as a console error; a test that provokes one on purpose says which.
    problems.allowedHttpStatuses = new Set();
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
      problems.push(`console error: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await use(problems);
    const csp = await page.evaluate(() => window.__cspViolations ?? []).catch(() => []);
    expect([...problems, ...csp.map((v) => `CSP violation: ${v}`)]).toEqual([]);
  },
});

export { expect };

/** Signs in through the simulator's SSO stand-in as one of its demo users. */
export async function signIn(page, path, user) {
  await page.goto(path);
  await expect(page).toHaveURL(/__sso\/sign_in/);
  await page.getByLabel(new RegExp(user, 'i')).check();
  await page.getByRole('button', { name: /sign in/i }).click();
}

/** Resolves once the app has mounted its first interactive page. */
export async function appReady(page) {
  await page.waitForFunction(() => performance.getEntriesByName('app-ready').length > 0);
}
