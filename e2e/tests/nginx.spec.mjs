// The production nginx configuration (deploy/nginx) in front of the simulator playing oauth2-proxy and
// Keyfactor Command (over verified TLS, e2e/nginx-front.mjs), serving the bundle built for /certs/. What the
// configuration refuses and hardens is in nginx-hardening.spec.mjs.
import { test, expect, appReady, fastPolling, advanceUntil } from './fixtures.mjs';
import { NGINX, NGINX_SIM } from '../playwright.config.mjs';

test.use({ baseURL: NGINX, simURL: NGINX_SIM });

async function signInThroughNginx(page, path) {
  await page.goto(path);
  await expect(page).toHaveURL(/\/oauth2\/sign_in\?rd=/);
  await page.getByLabel(/helpdesk/i).check();
  await page.getByRole('button', { name: /sign in/i }).click();
  await expect(page).toHaveURL(`${NGINX}${path}`);
  await appReady(page);
}

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

test('signing in through oauth2-proxy returns to the deep link, and the API works through nginx', async ({ page, problems }) => {
  await signInThroughNginx(page, '/certs/jobs');
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  await expect(page.getByRole('table')).toBeVisible();
});

test('nginx sends the security and cache headers, precompressed assets and no-store API answers', async ({ page, problems }) => {
  const seen = {};
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path === '/certs/jobs' || /\.(wasm|js|css)$/.test(path) || path.endsWith('/OrchestratorJobs/JobHistory')) seen[path] = r;
  });
  await signInThroughNginx(page, '/certs/jobs');
  await expect(page.getByRole('table')).toBeVisible();

  const index = seen['/certs/jobs'];
  const wasm = Object.entries(seen).find(([p]) => p.endsWith('.wasm'))[1];
  const api = seen['/certs/KeyfactorAPI/OrchestratorJobs/JobHistory'];
  const headers = {
    'index.html': await index.allHeaders(),
    wasm: await wasm.allHeaders(),
    api: await api.allHeaders(),
  };
  console.log(`observed through nginx:\n${JSON.stringify(headers, null, 2)}`);
  for (const h of [headers['index.html'], headers.wasm, headers.api]) {
    expect(h['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(h['content-security-policy']).toBe(CSP);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
  }
  expect(headers['index.html']['cache-control']).toBe('no-cache');
  expect(headers.wasm['content-type']).toBe('application/wasm');
  expect(headers.wasm['content-encoding']).toBe('br');
  expect(headers.wasm['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(headers.api['cache-control']).toBe('no-store');
  // Every hashed asset is cached for a year, whatever its hash's length; the loader names them, so it is not.
  const hashed = Object.keys(seen).filter((p) => /\.(wasm|js|css)$/.test(p) && p !== '/certs/boot.js');
  expect(hashed.length).toBeGreaterThanOrEqual(3);
  for (const path of hashed) {
    expect(seen[path].headers()['cache-control'], path).toBe('public, max-age=31536000, immutable');
  }
  expect(seen['/certs/boot.js'].headers()['cache-control']).toBe('no-cache');
});

test('an API call without a session gets 401, not the sign-in page', async ({ request }) => {
  const response = await request.get('/certs/KeyfactorAPI/Status/Endpoints', {
    headers: { Accept: 'application/json', 'x-keyfactor-requested-with': 'APIClient' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(401);
});

const expiredBanner = (page) => page.getByRole('alert').filter({ hasText: 'Your sign-in session has expired' });

/** Signs in again from the expiry banner's new-tab link, then continues on the page. */
async function signInAgainInNewTab(page, path) {
  const banner = expiredBanner(page);
  const [signInTab] = await Promise.all([
    page.context().waitForEvent('page'),
    banner.getByRole('link', { name: 'Sign in again (opens a new tab)' }).click(),
  ]);
  await expect(signInTab).toHaveURL(/\/oauth2\/sign_in\?rd=/);
  await signInTab.getByLabel(/helpdesk/i).check();
  await signInTab.getByRole('button', { name: /sign in/i }).click();
  await expect(signInTab).toHaveURL(`${NGINX}${path}`);
  await signInTab.close();
  await banner.getByRole('button', { name: 'Continue' }).click();
  await expect(banner).toBeHidden();
}

const calls = async (sim, method, suffix) => (await sim.requests()).filter((r) => r.method === method && r.path.endsWith(suffix));

test('an expired SSO session is renewed in a new tab without leaving the page', async ({ page, problems, sim }) => {
  await signInThroughNginx(page, '/certs/jobs');
  await expect(page.getByRole('table')).toBeVisible();
  await sim.expireSessions();
  problems.allowedHttpStatuses.add(401);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const banner = expiredBanner(page);
  await expect(banner).toBeVisible();

  // Continue before signing in: still expired, and the page says so.
  await banner.getByRole('button', { name: 'Continue' }).click();
  await expect(banner).toContainText('You are not signed in yet');

  await signInAgainInNewTab(page, '/certs/jobs');
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('table')).toBeVisible();
});

test('renewal and Replace through nginx: the session expires before submitting, one Renew reaches Command', async ({ page, problems, sim }) => {
  await fastPolling(page);
  const wasm = { seen: [], pending: new Set() };
  page.on('request', (request) => {
    if (!request.url().endsWith('.wasm')) return;
    wasm.seen.push(request.url());
    wasm.pending.add(request);
  });
  for (const event of ['requestfinished', 'requestfailed']) page.on(event, (request) => wasm.pending.delete(request));
  await signInThroughNginx(page, '/certs/renew?id=1');
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  // The installation step's module is fetched in the background once the form shows; the session ends after
  // it arrived, as when a user reads the plan first. (Fetched after the end, nginx would answer with the
  // sign-in page, and the step would fetch it again when the result shows: route-splitting.spec.mjs.)
  await expect.poll(() => wasm.seen.some((url) => url.includes('split_renewal_install')) && wasm.pending.size === 0).toBe(true);
  await sim.expireSessions();
  problems.allowedHttpStatuses.add(401);
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(expiredBanner(page)).toBeVisible();
  await signInAgainInNewTab(page, '/certs/renew?id=1');

  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  // nginx turned the first attempt away: Command saw one Renew, after the portal looked for an earlier one.
  expect(await calls(sim, 'POST', '/Enrollment/Renew')).toHaveLength(1);
  const searches = await calls(sim, 'GET', '/KeyfactorAPI/Certificates');
  expect(searches.map((r) => decodeURIComponent(r.query.replaceAll('+', ' ')))).toEqual([expect.stringContaining('ImportDate -ge')]);

  await page.getByRole('button', { name: 'Replace in all 2 stores' }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText(['The job completed successfully.', 'The job completed successfully.'], { timeout: 10_000 });
  expect(await calls(sim, 'POST', '/Enrollment/PFX/Replace')).toHaveLength(1);
});

test('reenrollment through nginx: the session expires before submitting, one Reenrollment reaches Command', async ({ page, problems, sim }) => {
  await fastPolling(page);
  await signInThroughNginx(page, '/certs/reenroll');
  await page.getByLabel('Client machine contains').fill('web02.eu.keyexample.com');
  await page.getByRole('button', { name: 'Search stores' }).click();
  await page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' }).click();
  await page.getByLabel('Subject name').fill('CN=web02.eu.keyexample.com,O="Key Example, Inc.",C=US');
  await page.getByRole('textbox', { name: /^Alias/ }).fill('web02');
  await sim.expireSessions();
  problems.allowedHttpStatuses.add(401);
  const schedule = page.getByRole('button', { name: 'Schedule reenrollment' });
  await schedule.click();
  await expect(expiredBanner(page)).toBeVisible();
  await signInAgainInNewTab(page, '/certs/reenroll');

  // Every value typed before the expiry is still there.
  await expect(page.getByLabel('Subject name')).toHaveValue('CN=web02.eu.keyexample.com,O="Key Example, Inc.",C=US');
  await schedule.click();
  await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();
  await advanceUntil(page, sim, page.getByText('The job succeeded'));
  expect(await calls(sim, 'POST', '/CertificateStores/Reenrollment')).toHaveLength(1);
});
