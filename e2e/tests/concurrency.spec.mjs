// Concurrency and secrets after failures: Enter pressed twice and repeated submits send one
// request; leaving a page mid-request cancels it without a message on the next page; a secret typed into a
// form that then failed is nowhere the browser keeps things.
import { test, expect, appReady, recordConsole, expectSecretNowhere } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

const API = '/KeyfactorAPI';
const sent = async (sim, method, path) => (await sim.requests()).filter((r) => r.method === method && r.path === path);

test('Enter pressed twice on Renew sends one renewal', async ({ page, sim, problems }) => {
  await sim.fault({ method: 'POST', path: `${API}/Enrollment/Renew`, kind: 'latency', delay_ms: 1_000 });
  await page.goto('/renew?id=1');
  await appReady(page);
  await page.getByRole('button', { name: 'Renew certificate' }).focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  expect(await sent(sim, 'POST', `${API}/Enrollment/Renew`)).toHaveLength(1);
});

test('Enter pressed twice in the reenrollment form schedules one job', async ({ page, sim, problems }) => {
  await page.goto('/reenroll');
  await appReady(page);
  await page.getByLabel('Client machine contains').fill('web02');
  await page.getByRole('button', { name: 'Search stores' }).click();
  await page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' }).click();
  await page.getByLabel('Subject name').fill('CN=web02.eu.keyexample.com');
  await sim.fault({ method: 'POST', path: `${API}/CertificateStores/Reenrollment`, kind: 'latency', delay_ms: 1_000 });
  await page.getByRole('textbox', { name: /^Alias/ }).fill('web02');
  await page.keyboard.press('Enter');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();
  expect(await sent(sim, 'POST', `${API}/CertificateStores/Reenrollment`)).toHaveLength(1);
});

test('submitting a store search again while it is under way sends it once', async ({ page, sim, problems }) => {
  await page.goto('/reenroll');
  await appReady(page);
  await sim.fault({ method: 'GET', path: `${API}/CertificateStores`, kind: 'latency', delay_ms: 1_000 });
  const machine = page.getByLabel('Client machine contains');
  await machine.fill('web02');
  await machine.press('Enter');
  await machine.press('Enter');
  await page.getByRole('button', { name: 'Search stores' }).click();
  await expect(page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' })).toBeVisible();
  expect(await sent(sim, 'GET', `${API}/CertificateStores`)).toHaveLength(1);
});

test('leaving a page mid-request cancels it without a message on the next page', async ({ page, sim, problems }) => {
  await sim.fault({ method: 'POST', path: `${API}/Enrollment/Renew`, kind: 'latency', delay_ms: 2_000 });
  await page.goto('/renew?id=1');
  await appReady(page);
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('button', { name: 'Renewing…' })).toBeDisabled();
  await page.getByRole('link', { name: 'Jobs' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  await page.waitForTimeout(2_500);
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expect(page.getByRole('table')).toBeVisible();
});

test('a store secret typed into a form whose submit failed is kept nowhere but the form', async ({ page, sim, problems }) => {
  const consoleLines = recordConsole(page);
  problems.allowedHttpStatuses.add(500);
  await page.goto('/reenroll');
  await appReady(page);
  await page.getByLabel('Client machine contains').fill('tomcat01');
  await page.getByRole('button', { name: 'Search stores' }).click();
  await page.getByRole('button', { name: /^Choose tomcat01\.eu\.keyexample\.com/ }).click();
  await page.getByLabel('Subject name').fill('CN=tomcat01.eu.keyexample.com');
  await page.getByRole('textbox', { name: /^Alias/ }).fill('tomcat');
  const secret = 'S3cret-after-failure';
  await page.getByLabel('Private Key Password').fill(secret);
  await sim.fault({ method: 'POST', path: `${API}/CertificateStores/Reenrollment`, kind: 'status', status: 500 });
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await expect(page.getByRole('alert')).toContainText('HTTP 500');
  // Kept for the next try, masked, and in no storage, URL, history or console line.
  await expect(page.getByLabel('Private Key Password')).toHaveValue(secret);
  await expect(page.getByLabel('Private Key Password')).toHaveAttribute('type', 'password');
  await expectSecretNowhere(page, consoleLines, secret);
  // Leaving the form wipes it.
  await page.getByRole('link', { name: 'Jobs' }).click();
  // The address changes once the page is there (its code may still be loading just after the click).
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  await page.goBack();
  await appReady(page);
  await expect(page.getByLabel('Client machine contains')).toBeVisible();
  await expect(page.getByLabel('Private Key Password')).toHaveCount(0);
});
