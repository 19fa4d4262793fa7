// The fault matrix: every API call of both flows under every kind of failure the simulator can
// inject. Each cell asserts what a user would notice: a specific message (or, where the failure is harmless,
// the normal result), nothing typed lost, no stuck progress, a retry where retrying is safe, and no
// mutating request sent twice by the app. e2e/fault-matrix-reporter.mjs prints the table at the end.
import { test, expect, appReady } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

const API = '/KeyfactorAPI';
const TIMEOUT_MS = 1_500;

/** The failures, as simulator faults; `session` ones raise the sign-in notice instead of an inline error. */
const FAULTS = {
  'HTTP 500': { fault: { kind: 'status', status: 500 }, statuses: [500], transient: true },
  'HTTP 502': { fault: { kind: 'status', status: 502 }, statuses: [502], transient: true },
  'HTTP 503': { fault: { kind: 'status', status: 503 }, statuses: [503], transient: true },
  'no answer (timeout)': { fault: { kind: 'timeout' }, transient: true },
  'dropped connection': { fault: { kind: 'drop' }, transient: true, network: true },
  'HTML for JSON': { fault: { kind: 'html' }, session: true },
  'malformed JSON': { fault: { kind: 'malformed_json' } },
  'truncated JSON': { fault: { kind: 'truncated_json' } },
  'JSON of the wrong shape': { fault: { kind: 'wrong_shape' }, mayPass: true },
  'HTTP 400 with Keyfactor body': { fault: { kind: 'status', status: 400 }, statuses: [400] },
  'HTTP 401': { fault: { kind: 'status', status: 401 }, statuses: [401], session: true },
  'HTTP 403 (permission)': { fault: { kind: 'status', status: 403 }, statuses: [403], forbidden: true },
  'SSO redirect': { fault: { kind: 'redirect' }, session: true },
  // Longer than the portal takes to show progress, shorter than its request timeout in these tests.
  'slow (2 s)': { fault: { kind: 'latency', delay_ms: 2_000 }, slow: true },
};

/** A text field by its accessible name. */
const textbox = (page, name) => page.getByRole('textbox', { name });

async function web02Store(page) {
  const stores = await (await page.request.get(`${API}/CertificateStores`, { headers: { 'x-keyfactor-requested-with': 'APIClient' } })).json();
  return stores.find((s) => s.Storepath === '/etc/nginx/tls/web02.pem').Id;
}

async function fillReenrollment(page) {
  await page.goto(`/reenroll?store=${await web02Store(page)}`);
  await textbox(page, /^Subject name/).fill('CN=web02.eu.keyexample.com,O="Key Example, Inc."');
  await textbox(page, /^Alias/).fill('web02-fault');
}

/** The renewal lookup by id, failing at `path` (one of the reads it makes). */
function lookupOf(path) {
  return {
    method: 'GET', path, read: true,
    open: async (page) => { await page.goto('/renew'); await appReady(page); await textbox(page, /^Certificate ID/).fill('1'); },
    act: (page) => page.getByRole('button', { name: 'Find certificate' }).click(),
    success: (page) => page.locator('#renewal-plan'),
    kept: async (page) => {
      await page.getByRole('button', { name: 'Change what to look up' }).click();
      await expect(textbox(page, /^Certificate ID/)).toHaveValue('1');
    },
  };
}

/** Each API call of both flows: how to get to it, trigger it, recognise success, and what must survive. */
const CALLS = {
  'certificate lookup': lookupOf(`${API}/Certificates/1`),
  AvailableRenewal: lookupOf(`${API}/Enrollment/AvailableRenewal/Id/1`),
  Renew: {
    method: 'POST', path: `${API}/Enrollment/Renew`,
    open: async (page) => { await page.goto('/renew?id=1'); await expect(page.locator('#renewal-plan')).toBeVisible(); },
    act: (page) => page.getByRole('button', { name: 'Renew certificate' }).click(),
    success: (page) => page.getByRole('heading', { name: 'Renewal result: issued' }),
    kept: (page) => expect(page.getByRole('button', { name: 'Renew certificate' })).toBeEnabled(),
  },
  'Replace': {
    method: 'POST', path: `${API}/Enrollment/PFX/Replace`,
    open: async (page) => {
      await page.goto('/renew?id=1');
      await page.getByRole('button', { name: 'Renew certificate' }).click();
      await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
    },
    act: (page) => page.getByRole('button', { name: 'Replace in all 2 stores' }).click(),
    success: (page) => page.getByRole('table', { name: /Installation jobs/ }),
    // The renewal's result, password included, is still on the page.
    kept: (page) => expect(page.locator('#pfx-password-value')).toBeVisible(),
  },
  'store search': {
    method: 'GET', path: `${API}/CertificateStores`, read: true,
    open: async (page) => { await page.goto('/reenroll'); await page.getByLabel('Client machine contains').fill('web02'); },
    act: (page) => page.getByRole('button', { name: 'Search stores' }).click(),
    success: (page) => page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' }),
    kept: (page) => expect(page.getByLabel('Client machine contains')).toHaveValue('web02'),
  },
  'store types': {
    method: 'GET', path: `${API}/CertificateStoreTypes`, read: true,
    open: async () => {},
    act: (page) => page.goto('/reenroll'),
    success: (page) => page.getByLabel('Client machine contains'),
    kept: async () => {},
  },
  Reenrollment: {
    // 204: a truncated or reshaped empty answer is still no content.
    method: 'POST', path: `${API}/CertificateStores/Reenrollment`, noContent: true,
    open: fillReenrollment,
    act: (page) => page.getByRole('button', { name: 'Schedule reenrollment' }).click(),
    success: (page) => page.getByRole('heading', { name: 'Reenrollment job' }),
    kept: async (page) => {
      await expect(textbox(page, /^Subject name/)).toHaveValue('CN=web02.eu.keyexample.com,O="Key Example, Inc."');
      await expect(textbox(page, /^Alias/)).toHaveValue('web02-fault');
    },
  },
  JobHistory: {
    method: 'GET', path: `${API}/OrchestratorJobs/JobHistory`, read: true, polled: true,
    open: fillReenrollment,
    act: (page) => page.getByRole('button', { name: 'Schedule reenrollment' }).click(),
    // A step of the timeline is reached once the job is found.
    success: (page) => page.locator('.timeline-current, .timeline-done').first(),
    kept: (page) => expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible(),
  },
};

const PROGRESS = /Looking up the certificate…|Loading store types…|Loading the store…|Renewing…|Scheduling…|Scheduling the installation jobs…|Searching stores…/;

test.describe('fault matrix', () => {
  for (const [callName, call] of Object.entries(CALLS)) {
    for (const [faultName, failure] of Object.entries(FAULTS)) {
      test(`${callName} × ${faultName}`, async ({ page, sim, problems }) => {
        test.setTimeout(40_000);
        for (const status of failure.statuses ?? []) problems.allowedHttpStatuses.add(status);
        if (failure.network) problems.allowedNetworkErrors.add('ERR_EMPTY_RESPONSE');
        await page.route('**/config.json', async (route) => {
          const response = await route.fetch();
          await route.fulfill({
            response,
            json: { ...(await response.json()), request_timeout_ms: failure.slow ? 15_000 : TIMEOUT_MS, poll_interval_ms: 200, poll_max_interval_ms: 400 },
          });
        });
        await call.open(page);
        await sim.fault({ method: call.method, path: call.path, ...failure.fault });
        await call.act(page);

        const success = call.success(page);
        const message = page.getByRole('alert').first();
        if (call.polled && failure.transient) {
          // Polling gets past a passing failure by itself: no click needed.
          await expect(success).toBeVisible({ timeout: 15_000 });
        } else if (failure.slow) {
          // Slow is not broken: progress is shown, then the normal result.
          if (!call.polled) await expect(page.getByText(PROGRESS).first()).toBeVisible();
          await expect(success).toBeVisible({ timeout: 15_000 });
        } else {
          await expect(success.or(message)).toBeVisible({ timeout: 10_000 });
          const passed = await success.isVisible();
          // Polling retries transient failures by itself; a harmless wrong shape or a connection the browser
          // itself re-established may simply succeed.
          const mayPass = failure.mayPass || failure.network
            || (call.noContent && failure.fault.kind === 'truncated_json');
          if (!passed || !mayPass) {
            await expect(message).toBeVisible();
            const texts = (await page.getByRole('alert').allInnerTexts()).join('\n');
            expect(texts.length, texts).toBeGreaterThan(30);
            expect(texts, 'no raw body dumped').not.toMatch(/<html|<!DOCTYPE|\{"|ErrorCode/i);
            if (failure.session) expect(texts).toContain('Your sign-in session has expired');
            if (failure.forbidden) expect(texts).toContain('You are not allowed to do this');
            await expect(page.getByText(PROGRESS)).toHaveCount(0);
          }
        }

        // The app never sends a mutating request again by itself.
        await page.waitForTimeout(300);
        const sent = (await sim.requests()).filter((r) => r.method === call.method && r.path === call.path);
        if (call.method === 'POST') {
          // Chromium may itself resend a request whose kept-alive connection closed before any answer.
          expect(sent.length).toBeLessThanOrEqual(failure.network ? 2 : 1);
          expect(sent.filter((r) => r.status >= 200 && r.status < 300).length).toBeLessThanOrEqual(1);
        }

        if (!(await success.isVisible())) {
          if (failure.session) {
            const banner = page.getByRole('alert').filter({ hasText: 'Your sign-in session has expired' });
            await banner.getByRole('button', { name: 'Continue' }).click();
            await expect(banner).toBeHidden();
          }
          const retry = page.getByRole('button', { name: /^(Try again|Check again)$/ });
          if (call.read && (failure.transient || failure.session)) {
            // Safe to repeat: one click does it, and this time it works.
            await retry.first().click();
            await expect(success).toBeVisible({ timeout: 10_000 });
          } else {
            if (!call.read) await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
            await call.kept(page);
          }
        }
      });
    }
  }
});
