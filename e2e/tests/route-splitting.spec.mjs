// The release build loads each page other than renewal when it is first opened (docs/route-splitting.md):
// the renewal page downloads one wasm module; another page's module comes when its link is hovered or
// focused, before the click; a module that cannot be fetched is told to the user, and opening the page again
// retries. The renewal result's installation step is a module too, fetched while the renewal form is filled
// in; when it cannot be fetched the result and its password stay, and Try again loads it.
import { test, expect, appReady, tabTo, expectNoAxeViolations, signIn } from './fixtures.mjs';
import { ANON_V10, SSO_V25 } from '../playwright.config.mjs';

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

test.describe('the renewal result', () => {
  test.use({ baseURL: SSO_V25 });

  test('fetches its installation step while the form is filled in; a failed fetch keeps the password and retries', async ({ page, problems }) => {
    problems.allowedHttpStatuses.add(404);
    problems.allowedConsoleErrors.push(/WebAssembly|HTTP status code is not ok/);
    await page.route('**/split_renewal_install*.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    const fetched = wasmFetches(page);
    await signIn(page, '/renew', 'helpdesk');
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
    expect(fetched.filter(pageModule('renewal_install'))).toEqual([]);

    await page.getByRole('textbox', { name: /^Certificate ID/ }).fill('1');
    await page.getByRole('button', { name: 'Find certificate' }).click();
    await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
    // Asked for before the user renews (here it fails: as after a deployment removed this tab's files).
    await expect.poll(() => fetched.filter(pageModule('renewal_install')).length).toBe(1);

    await page.getByRole('button', { name: 'Renew certificate' }).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('The installation step could not be loaded');
    await expect(page.locator('#pfx-password-value')).toHaveText('••••••••••••');
    await expectNoAxeViolations(page, 'installation step not loaded');

    await page.unroute('**/split_renewal_install*.wasm');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByRole('button', { name: 'Replace in all 2 stores' })).toBeVisible();
    await expect(page.getByRole('alert')).toHaveCount(0);
    await expect(page.locator('#pfx-password-value')).toHaveText('••••••••••••');
  });
});
