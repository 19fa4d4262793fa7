// "Expiring soon": the list pages through GET /Certificates until a short page, follows the
// help-desk link's window and filter, reads the renewal type for the shown rows only, and opens the
// renewal flow for a row.
import { test, expect, appReady, expectNoAxeViolations } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

const calls = async (sim, suffix) => (await sim.requests()).filter((r) => r.method === 'GET' && r.path.endsWith(suffix));

test('40 expiring certificates: read page by page, filtered by the link, renewal types for shown rows only', async ({ page, sim, problems }) => {
  await sim.seedExpiring(40);
  await page.goto('/expiring?days=90&q=.expiring.');
  await appReady(page);
  const table = page.getByRole('table', { name: /certificates expiring in the next 90 days/ });
  await expect(table.locator('caption')).toHaveText('40 certificates expiring in the next 90 days, soonest first');
  await expect(table.locator('tbody tr')).toHaveCount(25);

  // Pages of 25 (v10 spelling) until a short one: every page but the last is full.
  const pages = await calls(sim, '/KeyfactorAPI/Certificates');
  const numbers = pages.map((r) => Number(new URLSearchParams(r.query).get('pq.pageReturned')));
  expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  expect(pages.slice(0, -1).every((r) => r.response.length === 25)).toBe(true);
  expect(pages.at(-1).response.length).toBeLessThan(25);
  expect(decodeURIComponent(pages[0].query.replaceAll('+', ' '))).toMatch(/NotAfter -ge ".*" AND NotAfter -le ".*"/);

  // Soonest first, and the renewal type read for the 25 shown rows, not for the rest.
  const left = (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map(Number);
  expect([...left].sort((a, b) => a - b)).toEqual(left);
  await expect(table.getByText('Reading…')).toHaveCount(0);
  await expect(table.getByText('One-click').first()).toBeVisible();
  const lookups = (await sim.requests()).filter((r) => r.path.includes('/Enrollment/AvailableRenewal/Id/'));
  expect(lookups).toHaveLength(25);
  await expect(page.getByRole('img', { name: /Expiries per week/ })).toBeVisible();
  await expectNoAxeViolations(page, 'expiring list');

  await page.getByRole('button', { name: /^Show more/ }).click();
  await expect(table.locator('tbody tr')).toHaveCount(40);
  await expect(table.getByText('Reading…')).toHaveCount(0);
  expect((await sim.requests()).filter((r) => r.path.includes('/Enrollment/AvailableRenewal/Id/'))).toHaveLength(40);

  // The same link reproduces the same view.
  await page.reload();
  await appReady(page);
  await expect(table.locator('caption')).toHaveText('40 certificates expiring in the next 90 days, soonest first');

  // A row's Renew opens the renewal flow for it.
  const first = table.locator('tbody tr').first();
  const name = await first.locator('th').textContent();
  await first.getByRole('link', { name: `Renew ${name}` }).click();
  await expect(page).toHaveURL(/\/renew\?id=\d+$/);
  await expect(page.locator('#renewal-plan')).toBeVisible();
});

test('the filter form rewrites the address, and a bad link window is explained', async ({ page, sim, problems }) => {
  await sim.seedExpiring(40);
  await page.goto('/expiring?days=soon');
  await appReady(page);
  await expect(page.getByRole('alert')).toContainText("The link's expiry window");
  await page.getByLabel('Expiring within').selectOption('7');
  await page.getByLabel('Name contains').fill('svc0');
  await page.getByRole('button', { name: 'Show certificates' }).click();
  await expect(page).toHaveURL(/\/expiring\?days=7&q=svc0$/);
  const table = page.getByRole('table', { name: /certificates expiring in the next 7 days/ });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const names = await table.locator('tbody th').allTextContents();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => n.startsWith('svc0'))).toBe(true);

  await page.getByLabel('Or expiring by (YYYY-MM-DD)').fill('1999-01-01');
  await page.getByRole('button', { name: 'Show certificates' }).click();
  await expect(page.locator('#expiring-until-error')).toContainText('Choose a date from today on.');
  await expect(page).toHaveURL(/days=7/);
});
