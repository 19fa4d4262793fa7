// The release build loads each page other than renewal when it is first opened (docs/route-splitting.md):
// the renewal page downloads one wasm module; another page's module comes when its link is hovered or
// focused, before the click; a module that cannot be fetched is told to the user, and opening the page again
// retries.
import { test, expect, appReady, tabTo, expectNoAxeViolations } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

/** The names of the wasm files the page fetches from now on, in order. */
function wasmFetches(page) {
  const names = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (name.endsWith('.wasm')) names.push(name);
  });
  return names;
}

const pageModule = (name) => (file) => file.startsWith(`split_${name}`);
const nav = (page) => page.getByRole('navigation', { name: 'Main' });

test('renewal downloads one module; hovering a link fetches its page before the click, and once', async ({ page }) => {
  const fetched = wasmFetches(page);
  await page.goto('/renew');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
  expect(fetched).toEqual([expect.stringMatching(/^certportal-[0-9a-f]{16}_bg\.wasm$/)]);

  await nav(page).getByRole('link', { name: 'Expiring soon' }).hover();
  await expect.poll(() => fetched.some(pageModule('expiring_page'))).toBe(true);
  await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
  const afterHover = fetched.length;
  await nav(page).getByRole('link', { name: 'Expiring soon' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Certificates expiring soon' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();

  // Back and forth: nothing is fetched twice.
  await nav(page).getByRole('link', { name: 'Renew a certificate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
  await nav(page).getByRole('link', { name: 'Expiring soon' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Certificates expiring soon' })).toBeVisible();
  expect(fetched.length).toBe(afterHover);
  expect(new Set(fetched).size).toBe(fetched.length);
});

test('a keyboard user focusing a link fetches its page before pressing Enter', async ({ page }) => {
  const fetched = wasmFetches(page);
  await page.goto('/renew');
  await appReady(page);
  const reenroll = nav(page).getByRole('link', { name: 'Reenroll a store' });
  await tabTo(page, reenroll);
  await expect.poll(() => fetched.some(pageModule('reenroll_page'))).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Reenroll a certificate store' })).toBeVisible();
});

test('a page whose module cannot be fetched says so, and opening it again retries', async ({ page, problems }) => {
  // As after a deployment removed the files this tab was loaded with.
  problems.allowedHttpStatuses.add(404);
  problems.allowedConsoleErrors.push(/WebAssembly|HTTP status code is not ok/);
  await page.route('**/split_jobs_page*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto('/renew');
  await appReady(page);
  await nav(page).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'This page could not be loaded' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('could not fetch this page');
  await expect(page.getByRole('button', { name: 'Reload the portal' })).toBeVisible();
  await expectNoAxeViolations(page, 'page not loaded');
  // The rest of the portal still works.
  await nav(page).getByRole('link', { name: 'Renew a certificate' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();

  await page.unroute('**/split_jobs_page*.wasm');
  await nav(page).getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
});
