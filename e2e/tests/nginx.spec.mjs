// The production nginx configuration (deploy/nginx) in front of the simulator playing oauth2-proxy and
// Keyfactor Command, serving the bundle built for /certs/.
import { test, expect, appReady } from './fixtures.mjs';
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
    if (path === '/certs/jobs' || path.endsWith('.wasm') || path.endsWith('/OrchestratorJobs/JobHistory')) seen[path] = r;
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
    expect(h['content-security-policy']).toBe(CSP);
    expect(h['x-content-type-options']).toBe('nosniff');
    expect(h['referrer-policy']).toBe('no-referrer');
  }
  expect(headers['index.html']['cache-control']).toBe('no-cache');
  expect(headers.wasm['content-type']).toBe('application/wasm');
  expect(headers.wasm['content-encoding']).toBe('br');
  expect(headers.wasm['cache-control']).toBe('public, max-age=31536000, immutable');
  expect(headers.api['cache-control']).toBe('no-store');
});

test('an API call without a session gets 401, not the sign-in page', async ({ request }) => {
  const response = await request.get('/certs/KeyfactorAPI/Status/Endpoints', {
    headers: { Accept: 'application/json', 'x-keyfactor-requested-with': 'APIClient' },
    maxRedirects: 0,
  });
  expect(response.status()).toBe(401);
});

test('an expired SSO session is renewed in a new tab without leaving the page', async ({ page, problems, sim }) => {
  await signInThroughNginx(page, '/certs/jobs');
  await expect(page.getByRole('table')).toBeVisible();
  await sim.expireSessions();
  problems.allowedHttpStatuses.add(401);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'Your sign-in session has expired' });
  await expect(banner).toBeVisible();

  // Continue before signing in: still expired, and the page says so.
  await banner.getByRole('button', { name: 'Continue' }).click();
  await expect(banner).toContainText('You are not signed in yet');

  const [signInTab] = await Promise.all([
    page.context().waitForEvent('page'),
    banner.getByRole('link', { name: 'Sign in again (opens a new tab)' }).click(),
  ]);
  await expect(signInTab).toHaveURL(/\/oauth2\/sign_in\?rd=/);
  await signInTab.getByLabel(/helpdesk/i).check();
  await signInTab.getByRole('button', { name: /sign in/i }).click();
  await expect(signInTab).toHaveURL(`${NGINX}/certs/jobs`);
  await signInTab.close();

  await banner.getByRole('button', { name: 'Continue' }).click();
  await expect(banner).toBeHidden();
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('table')).toBeVisible();
});
