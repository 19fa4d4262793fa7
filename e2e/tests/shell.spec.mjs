// The portal shell: start-up under the production CSP, navigation by keyboard, accessibility, config errors.
import AxeBuilder from '@axe-core/playwright';
import { test, expect, signIn, appReady, recordConsole, expectSecretNowhere } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

const PAGES = [
  { link: 'Renew a certificate', path: '/renew', heading: 'Renew a certificate' },
  { link: 'Expiring soon', path: '/expiring', heading: 'Certificates expiring soon' },
  { link: 'Reenroll a store', path: '/reenroll', heading: 'Reenroll a certificate store' },
  { link: 'Jobs', path: '/jobs', heading: 'Orchestrator jobs' },
  { link: 'This session', path: '/activity', heading: 'This session' },
];

test('the portal is served with the production security headers', async ({ request }) => {
  const index = await request.get('/__sim/health').then(() => request.get('/renew', { maxRedirects: 0 }));
  // Unauthenticated navigation goes to the SSO sign-in page, as behind oauth2-proxy.
  expect(index.status()).toBe(302);
  expect(index.headers()['location']).toContain('/oauth2/sign_in');
});

test('config.json is asked for once, by boot.js while the wasm loads, and the app uses that answer', async ({ page, problems }) => {
  const asked = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/config.json')) asked.push(request.url());
  });
  // An answer only this request can have given: the app shows its collection notice.
  await page.route('**/config.json', async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, json: { ...(await response.json()), collection_id: 41 } });
  });
  await page.goto(`${ANON_V10}/renew`);
  await appReady(page);
  await expect(page.getByText('Certificate collection 41')).toBeVisible();
  expect(asked).toHaveLength(1);
});

test('signing in through SSO lands on the requested page, ready and without errors', async ({ page, problems }) => {
  await signIn(page, '/jobs', 'helpdesk');
  await appReady(page);
  await expect(page).toHaveURL(/\/jobs$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Orchestrator jobs' })).toBeVisible();
  const response = await page.request.get('/');
  const csp = response.headers()['content-security-policy'];
  expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(csp).not.toContain('unsafe-inline');
  expect(response.headers()['x-content-type-options']).toBe('nosniff');
});

test('every page is reachable by keyboard alone and marks the current link', async ({ page, problems }) => {
  await signIn(page, '/', 'helpdesk');
  await appReady(page);
  await expect(page).toHaveURL(/\/renew$/);
  for (const { link, path, heading } of [...PAGES.slice(1), PAGES[0]]) {
    await page.locator('body').focus();
    // Tab through the header until the link has focus, then follow it with Enter.
    let focused = '';
    for (let i = 0; i < 10 && focused !== link; i += 1) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    }
    expect(focused).toBe(link);
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await expect(page.getByRole('link', { name: link })).toHaveAttribute('aria-current', 'page');
  }
});

test('axe finds no accessibility violations on any page', async ({ page, problems }) => {
  await signIn(page, '/renew', 'helpdesk');
  await appReady(page);
  for (const { link, heading } of [...PAGES, { link: null, heading: 'Page not found' }]) {
    if (link) {
      await page.getByRole('link', { name: link }).click();
    } else {
      await page.goto('/no/such/page');
    }
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.help}`), heading).toEqual([]);
  }
});

test('an unknown address shows the not-found page inside the layout', async ({ page, problems }) => {
  await signIn(page, '/renew/../nowhere', 'helpdesk');
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
});

test.describe('configuration', () => {
  test.use({ baseURL: ANON_V10 });

  for (const [what, fulfil, expected] of [
    ['missing', { status: 404, body: 'not found' }, /could not be loaded: HTTP 404/],
    ['not JSON', { status: 200, contentType: 'application/json', body: '{"api_base": ' }, /is not valid/],
    ['wrong auth mode', { status: 200, contentType: 'application/json', body: '{"auth":"ntlm"}' }, /unknown variant/],
  ]) {
    test(`a ${what} config.json gives a readable error page`, async ({ page, problems }) => {
      // The browser logs the refused config.json itself; no page error may follow it.
      problems.allowedHttpStatuses.add(fulfil.status);
      await page.route('**/config.json', (route) => route.fulfill(fulfil));
      await page.goto('/renew');
      await expect(page.getByRole('heading', { name: 'The portal is not configured correctly' })).toBeVisible();
      await expect(page.getByRole('alert')).toHaveText(expected);
    });
  }

  test('basic auth mode asks for the account and keeps wrong credentials out', async ({ page, context, problems }) => {
    const consoleLines = recordConsole(page);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.route('**/config.json', (route) =>
      route.fulfill({ contentType: 'application/json', body: '{"auth":"basic","command_version":"auto"}' }));
    // alice's permissions are on certificate collection 3: the link names it.
    await page.goto('/renew?collection=3');
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Keyfactor Command' })).toBeVisible();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByLabel('Account')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByText('Enter your account as DOMAIN\\user or user@domain.')).toBeVisible();

    await page.getByLabel('Account').fill('KEYEXAMPLE\\alice');
    await page.getByLabel('Password').fill('wrong-password');
    problems.allowedHttpStatuses.add(401);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText(/user name or password/i);

    await page.getByLabel('Password').fill('alice-demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
    // The password is never written to browser storage, the address or the console, and a copied API
    // call names the Authorization header without its value.
    await page.getByRole('textbox', { name: /^Certificate ID/ }).fill('1');
    await page.getByRole('button', { name: 'Find certificate' }).click();
    await page.getByRole('button', { name: 'Copy as API call' }).click();
    const apiCall = await page.evaluate(() => navigator.clipboard.readText());
    expect(apiCall).toContain('Authorization: <redacted>');
    const basic = Buffer.from('KEYEXAMPLE\\alice:alice-demo').toString('base64');
    expect(apiCall).not.toContain(basic);
    await expectSecretNowhere(page, consoleLines, 'alice-demo');
    await expectSecretNowhere(page, consoleLines, basic);
    // Memory only: a reload forgets the account and asks again.
    await page.reload();
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'Sign in to Keyfactor Command' })).toBeVisible();
    await expect(page.getByLabel('Password')).toHaveValue('');
  });

  test('the v10 simulator flavour serves the same shell without SSO', async ({ page, problems }) => {
    await page.goto('/reenroll');
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Reenroll a certificate store' })).toBeVisible();
  });
});

test('the jobs page lists recent orchestrator jobs from Keyfactor, newest first', async ({ page, problems }) => {
  await signIn(page, '/jobs', 'helpdesk');
  await appReady(page);
  const table = page.getByRole('table');
  await expect(table).toBeVisible();
  await expect(table.locator('caption')).toHaveText(/most recent jobs, newest first/);
  const starts = await table.locator('tbody tr td:nth-child(6)').allTextContents();
  expect(starts.length).toBeGreaterThan(0);
  expect([...starts].sort().reverse()).toEqual(starts);
});
