// Sessions that end: in `basic` mode the portal signs out on request, after inactivity and when Keyfactor
// stops accepting the credentials (asking again above the page, which keeps what was typed, and sending
// nothing more with the rejected credentials). Counted at the simulator.
import { test, expect, appReady, recordConsole, expectSecretNowhere } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

const RENEW = '/KeyfactorAPI/Enrollment/Renew';
const BASIC = { auth: 'basic', command_version: 'auto' };

async function basicConfig(page, extra = {}) {
  await page.route('**/config.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify({ ...BASIC, ...extra }) }));
}

async function signInBasic(page) {
  await expect(page.getByRole('heading', { name: 'Sign in to Keyfactor Command' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Account' }).fill('KEYEXAMPLE\\helpdesk');
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('helpdesk-demo');
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const apiRequests = async (sim) => (await sim.requests()).filter((r) => r.path.startsWith('/KeyfactorAPI/'));

/** Renews certificate 1 (one-click) and returns its revealed password. */
async function renewAndReveal(page) {
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await page.getByRole('button', { name: 'Reveal' }).click();
  const password = (await page.locator('#pfx-password-value').textContent()).trim();
  expect(password).not.toContain('•');
  return password;
}

test.describe('basic mode', () => {
  test.use({ baseURL: ANON_V10 });

  test('Sign out forgets the account and the password shown, and nothing more is sent', async ({ page, sim, problems }) => {
    const consoleLines = recordConsole(page);
    await basicConfig(page);
    await page.goto('/renew?id=1');
    await appReady(page);
    await signInBasic(page);
    const password = await renewAndReveal(page);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('alert')).toContainText('You signed out; passwords shown before are gone.');
    await expect(page.getByRole('heading', { name: 'Sign in to Keyfactor Command' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0);
    expect(await page.content()).not.toContain(password);
    await expectSecretNowhere(page, consoleLines, password);
    const sent = (await apiRequests(sim)).length;
    await page.waitForTimeout(1_000);
    expect((await apiRequests(sim)).length, 'no request after signing out').toBe(sent);
  });

  test('a tab left alone for the idle limit is signed out', async ({ page }) => {
    await basicConfig(page, { basic_idle_timeout_s: 60 });
    await page.goto('/renew?id=1');
    await appReady(page);
    await signInBasic(page);
    const password = await renewAndReveal(page);
    // The browser's clock from here on is the test's: activity keeps the session (50 s, a key press,
    // 50 s more); 65 s without any ends it (the portal checks every second).
    await page.clock.install();
    await page.keyboard.press('Shift');
    await page.clock.runFor(50_000);
    await page.keyboard.press('Shift');
    await page.clock.runFor(50_000);
    await page.waitForTimeout(1_500);
    await expect(page.locator('#pfx-password-value')).toHaveText(password);
    await page.clock.runFor(15_000);
    await expect(page.getByRole('alert')).toContainText('You were signed out after 1 minute without activity', { timeout: 10_000 });
    expect(await page.content()).not.toContain(password);
  });

  test('credentials Keyfactor stops accepting are asked for again above the page, which keeps what was typed', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(401);
    await basicConfig(page);
    await page.goto('/renew');
    await appReady(page);
    await signInBasic(page);
    const lookup = page.getByRole('textbox', { name: /^Certificate ID/ });
    await lookup.fill('1');
    await sim.fault({ method: 'GET', path: '/KeyfactorAPI/Certificates/1', kind: 'status', status: 401 });
    await page.getByRole('button', { name: 'Find certificate' }).click();

    await expect(page.getByRole('alert').filter({ hasText: 'no longer accepts your user name or password' })).toBeVisible();
    await expect(lookup).toBeHidden();
    const sent = (await apiRequests(sim)).length;
    await page.waitForTimeout(500);
    expect((await apiRequests(sim)).length, 'nothing is sent with rejected credentials').toBe(sent);

    await signInBasic(page);
    // The page is as it was: the lookup that was refused, with what was typed.
    await expect(page.getByText('Keyfactor Command did not accept your user name or password.')).toBeVisible();
    await page.getByRole('button', { name: 'Change what to look up' }).click();
    await expect(lookup).toHaveValue('1');
    await page.getByRole('button', { name: 'Find certificate' }).click();
    await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  });

  test('a bulk run stops at the first 401 and continues after signing in again', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(401);
    await basicConfig(page);
    await page.goto('/expiring?days=30');
    await appReady(page);
    await signInBasic(page);
    const list = page.getByRole('table', { name: /certificates expiring in the next 30 days/ });
    await expect(list.getByText('Reading…')).toHaveCount(0);
    await page.getByRole('button', { name: 'Tick all shown' }).click();
    await page.getByRole('button', { name: 'Renew the ticked certificates…' }).click();
    await page.getByLabel(/Then replace each old certificate/).uncheck();
    await sim.fault({ method: 'POST', path: RENEW, kind: 'status', status: 401 });
    await page.getByRole('button', { name: /^Renew \d+ certificates$/ }).click();

    await expect(page.getByRole('alert').filter({ hasText: 'no longer accepts your user name or password' })).toBeVisible();
    // Whatever was under way when the 401 came back may finish; nothing is sent after it.
    const renewals = (await sim.requests()).filter((r) => r.method === 'POST' && r.path === RENEW);
    await page.waitForTimeout(1_000);
    expect((await sim.requests()).filter((r) => r.method === 'POST' && r.path === RENEW)).toHaveLength(renewals.length);

    await signInBasic(page);
    const more = page.getByRole('button', { name: /^Continue with the \d+ not started$/ });
    await expect(more).toBeVisible();
    await more.click();
    await expect.poll(async () => (await sim.requests()).filter((r) => r.method === 'POST' && r.path === RENEW).length)
      .toBeGreaterThan(renewals.length);
  });
});
