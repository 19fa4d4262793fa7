// The jobs page: recent orchestrator jobs from JobHistory, paged and filtered, linkable.
import { test, expect, appReady, expectNoAxeViolations } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

const API = { 'x-keyfactor-requested-with': 'APIClient', Accept: 'application/json' };

/** Schedules `count` reenrollments of one store straight through the API and lets them finish. */
async function finishedReenrollments(request, sim, count) {
  const stores = await (await request.get('/KeyfactorAPI/CertificateStores', { headers: API })).json();
  const store = stores.find((s) => s.Storepath === '/etc/nginx/tls/web02.pem');
  for (let i = 0; i < count; i += 1) {
    const response = await request.post('/KeyfactorAPI/CertificateStores/Reenrollment', {
      headers: API,
      data: { KeystoreId: store.Id, AgentGuid: store.AgentId, SubjectName: `CN=paging${i}.keyexample.com`, Alias: `paging${i}`, JobProperties: {} },
    });
    expect(response.status()).toBe(204);
  }
  await sim.advanceJobs(60_000);
}

test('pages through the job history, newest first, and keeps page and filter in the address', async ({ page, request, sim, problems }) => {
  await finishedReenrollments(request, sim, 8);
  await page.goto('/jobs');
  await appReady(page);
  const table = page.getByRole('table');
  await expect(table.locator('caption')).toHaveText('The 25 most recent jobs, newest first');
  const firstPage = await table.locator('tbody tr td:nth-child(6)').allTextContents();
  await expect(page.getByRole('link', { name: 'Newer jobs' })).toHaveCount(0);

  await page.getByRole('link', { name: 'Older jobs' }).click();
  await expect(page).toHaveURL(/\/jobs\?.*page=2/);
  await expect(table.locator('caption')).toHaveText(/^Page 2: \d+ older jobs, newest first$/);
  const secondPage = await table.locator('tbody tr td:nth-child(6)').allTextContents();
  expect(secondPage.length).toBeGreaterThan(0);
  expect(secondPage[0] <= firstPage.at(-1)).toBe(true);
  // v10 spells the paging parameters with the pq. prefix.
  const reads = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/OrchestratorJobs/JobHistory');
  expect(reads.at(-1).query).toContain('pq.pageReturned=2');
  await expectNoAxeViolations(page, 'jobs page 2');

  await page.getByRole('link', { name: 'Newer jobs' }).click();
  await expect(table.locator('caption')).toHaveText('The 25 most recent jobs, newest first');

  // A filter narrows the list and lives in the address, so the view can be shared.
  await page.getByLabel('Client machine').fill('web02.eu.keyexample.com');
  await page.getByRole('button', { name: 'Show jobs' }).click();
  await expect(page).toHaveURL(/machine=web02\.eu\.keyexample\.com/);
  // The unfiltered rows stay on screen until the filtered ones arrive.
  const machineCells = table.locator('tbody tr td:nth-child(2)');
  await expect.poll(async () => [...new Set(await machineCells.allTextContents())]).toEqual(['web02.eu.keyexample.com']);
  const machines = await machineCells.allTextContents();
  expect(machines.length).toBeGreaterThanOrEqual(8);
  await page.reload();
  await appReady(page);
  await expect(page.getByLabel('Client machine')).toHaveValue('web02.eu.keyexample.com');
  await expect(table.locator('tbody tr')).toHaveCount(machines.length);
});
