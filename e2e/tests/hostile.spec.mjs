// Hostile input: every string from Keyfactor is rendered as text. The simulator turns names, DNs,
// SANs, aliases, store paths, machines, template and store type names (and the disposition and job messages
// built from them) into script and markup payloads; no page may run them or report a CSP violation, and the
// payloads must be visible as plain text. Deep links with garbage, oversized or injected values never crash
// and never reflect markup.
import { test, expect, appReady, fastPolling, advanceUntil } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

/** Fails the test if a payload ran: its flag, or a dialog it opened. */
async function expectNothingRan(page) {
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await page.locator('img[src="x"], svg[onload], script:not([src])').count()).toBe(0);
}

test('payloads in every field Keyfactor returns are shown as text and never run', async ({ page, sim, problems }) => {
  page.on('dialog', (dialog) => { throw new Error(`a payload opened a dialog: ${dialog.message()}`); });
  await sim.seedHostileStrings();
  await fastPolling(page);

  // Renewal: plan (CN, issuer, template, locations, orchestrators), result, Replace with its job rows.
  await page.goto('/renew?id=1');
  await appReady(page);
  await expect(page.locator('#renewal-plan')).toBeVisible();
  await expect(page.getByText("window.__xss='cn'").first()).toBeVisible();
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  await page.getByRole('button', { name: /^Replace in all/ }).click();
  await sim.advanceJobs(60_000);
  await expect(page.getByRole('table', { name: /Installation jobs/ })).toBeVisible();
  await expectNothingRan(page);

  // A denial quotes the subject back.
  await page.goto('/renew?id=6');
  await page.getByLabel('Template').selectOption('RestrictedServer');
  await page.getByLabel('Certificate authority').selectOption({ index: 1 });
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: denied' })).toBeVisible();
  await expect(page.locator('.renewal-result')).toContainText("<script>window.__xss='cn'</script>");
  await expectNothingRan(page);

  // Search results: CN, issuer and expiry of every match.
  await page.goto('/renew');
  await page.getByLabel('By searching').check();
  await page.getByLabel('Common name contains').fill('web0');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('table', { name: /matching certificates/ })).toBeVisible();
  await expectNothingRan(page);

  // Reenrollment: the store list, the chosen store's facts and type, a job that fails with a message
  // quoting its path and machine.
  await page.goto('/reenroll');
  await page.getByRole('button', { name: 'Search stores' }).click();
  const readonly = page.getByRole('button', { name: /^Choose app01\.eu\.keyexample\.com.*readonly/ });
  await readonly.click();
  await page.getByLabel('Subject name').fill('CN=app01.eu.keyexample.com');
  await page.getByRole('textbox', { name: /^Alias/ }).fill('app01');
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await advanceUntil(page, sim, page.getByText('The job failed', { exact: true }));
  await expect(page.getByText(/Read-only file system/)).toContainText("<svg onload=\"window.__xss='store path'\">");
  await expectNothingRan(page);

  // The jobs page lists every job's machine, path and message.
  await page.goto('/jobs');
  await expect(page.getByRole('table')).toBeVisible();
  await expectNothingRan(page);
});

test('deep links with garbage, oversized or injected values never crash and never reflect markup', async ({ page, problems }) => {
  const links = [
    '/renew?id=%3Cimg%20src%3Dx%20onerror%3Dwindow.__xss%3D1%3E',
    `/renew?thumbprint=${'A'.repeat(10_000)}`,
    '/renew?id=1&thumbprint=ABCD',
    '/renew?id=-1',
    '/renew?id=%00%01%02',
    '/reenroll?store=%22%3E%3Csvg%20onload%3Dwindow.__xss%3D1%3E',
    `/reenroll?store=${'f'.repeat(10_000)}`,
    '/jobs?machine=%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E&page=-3',
    '/jobs?page=99999999999999999999',
  ];
  for (const link of links) {
    await page.goto(link);
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expectNothingRan(page);
  }
  // The garbage is explained next to the form, not swallowed.
  await page.goto('/renew?id=%3Cimg%20src%3Dx%3E');
  await expect(page.locator('.field-error:not(:empty), [role=alert]').first()).toBeVisible();
});
