// Shown once means once: a password revealed on the renewal result does not come back when the user goes
// to another page and returns through the browser's back/forward cache.
import { test, expect, appReady, signIn, recordConsole, expectSecretNowhere } from './fixtures.mjs';
import { CHROMIUM } from '../playwright.config.mjs';

// Playwright turns Chromium's back/forward cache off by default; this file needs it on.
test.use({ launchOptions: { ...CHROMIUM, ignoreDefaultArgs: ['--disable-back-forward-cache'] } });

test('a password shown once is gone when the page comes back from the cache', async ({ page, problems }) => {
  // The plain JSON page visited in between makes the browser ask for a /favicon.ico there is none of.
  problems.allowedHttpStatuses.add(404);
  const consoleLines = recordConsole(page);
  await signIn(page, '/renew?id=1', 'helpdesk');
  await appReady(page);
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await page.getByRole('button', { name: 'Reveal' }).click();
  const password = (await page.locator('#pfx-password-value').textContent()).trim();
  expect(password).not.toContain('•');
  await page.evaluate(() => {
    window.addEventListener('pageshow', (event) => { window.__restoredFromCache = event.persisted; });
  });

  await page.goto('/__sim/health');
  // Restored from the cache, the page fires no load event: wait for the navigation only.
  await page.goBack({ waitUntil: 'commit' });
  expect(await page.evaluate(() => window.__restoredFromCache), 'the page came back from the back/forward cache').toBe(true);
  await expect(page.getByText('Cleared: this password is no longer in the portal')).toBeVisible();
  expect(await page.content()).not.toContain(password);
  await expectSecretNowhere(page, consoleLines, password);
});
