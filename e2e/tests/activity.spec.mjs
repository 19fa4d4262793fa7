// The session action log: what the user did in this tab, with Keyfactor's ids and outcomes,
// copied as JSON without the password, and gone on reload.
import { test, expect, appReady, fastPolling, expectNoAxeViolations } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

test('renewal, Replace and reenrollment are logged for this tab only, and export without the password', async ({ page, context, problems }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await fastPolling(page);
  await page.goto('/renew?id=1');
  await appReady(page);
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  await page.getByRole('button', { name: 'Reveal' }).click();
  const password = (await page.locator('#pfx-password-value').textContent()).trim();
  await page.getByRole('button', { name: 'Replace in all 2 stores' }).click();
  await expect(page.getByRole('table', { name: /Installation jobs/ })).toBeVisible();

  // Within the app (a reload would clear the log): reenroll a store.
  await page.getByRole('link', { name: 'Reenroll a store' }).click();
  await page.getByLabel('Client machine contains').fill('web02');
  await page.getByRole('button', { name: 'Search stores' }).click();
  await page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' }).click();
  await page.getByLabel('Subject name').fill('CN=web02.eu.keyexample.com');
  await page.getByRole('textbox', { name: /^Alias/ }).fill('web02');
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();

  await page.getByRole('link', { name: 'This session' }).click();
  const log = page.getByRole('table', { name: /What you did in this tab/ });
  await expect(log.locator('tbody tr')).toHaveCount(3);
  await expect(log.locator('tbody tr').nth(0)).toContainText(/Renewal.*web01\.eu\.keyexample\.com \(ID 1\).*request \d+, new certificate \d+.*issued/);
  await expect(log.locator('tbody tr').nth(1)).toContainText(/Replace.*2 stores scheduled/);
  await expect(log.locator('tbody tr').nth(2)).toContainText(/Reenrollment.*web02\.eu\.keyexample\.com \/etc\/nginx\/tls\/web02\.pem.*scheduled/);
  await expectNoAxeViolations(page, 'session log');

  await page.getByRole('button', { name: 'Copy as JSON' }).click();
  await expect(page.getByText('The log was copied to the clipboard as JSON')).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).not.toContain(password);
  const entries = JSON.parse(copied);
  expect(entries.map((e) => e.kind)).toEqual(['Renewal', 'Replace', 'Reenrollment']);
  expect(entries[0].password).toBe('<redacted>');

  await page.reload();
  await appReady(page);
  await expect(page.getByText('Nothing yet')).toBeVisible();
});
