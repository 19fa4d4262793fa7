// Hosting from a sub-path (`cargo xtask bundle --public-path /certs/`), as behind a reverse proxy shared with other apps.
import { test, expect, appReady } from './fixtures.mjs';
import { SUB_PATH } from '../playwright.config.mjs';

test.use({ baseURL: SUB_PATH });

test('a deep link under the sub-path loads the app, its config and its API there', async ({ page, problems }) => {
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto('/certs/jobs');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
  expect(requests).toContain('/certs/config.json');
  expect(requests).toContain('/certs/KeyfactorAPI/OrchestratorJobs/JobHistory');
  expect(requests.filter((p) => !p.startsWith('/certs/'))).toEqual([]);
});

test('links stay under the sub-path and the bare path redirects to it', async ({ page, problems }) => {
  await page.goto('/certs');
  await appReady(page);
  await expect(page).toHaveURL(`${SUB_PATH}/certs/renew`);
  await expect(page.getByRole('link', { name: 'Jobs' })).toHaveAttribute('href', '/certs/jobs');
  await page.getByRole('link', { name: 'Reenroll a store' }).click();
  await expect(page).toHaveURL(`${SUB_PATH}/certs/reenroll`);
  await page.reload();
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Reenroll a certificate store' })).toBeVisible();
});
