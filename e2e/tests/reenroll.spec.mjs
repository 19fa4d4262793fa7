// Store reenrollment: pick a store, fill the store type's fields, submit once, follow the job.
// Polling is sped up through config.json and the simulator's job clock is advanced, so nothing waits long.
import { test, expect, signIn, appReady, expectNoAxeViolations, fastPolling, advanceUntil, tabTo } from './fixtures.mjs';
import { SUB_PATH } from '../playwright.config.mjs';

const JOB_LISTS = /\/OrchestratorJobs\/(JobHistory|ScheduledJobs)$/;

async function openReenroll(page, { sso = false } = {}) {
  await fastPolling(page);
  if (sso) {
    await signIn(page, '/reenroll', 'helpdesk');
  } else {
    await page.goto('/reenroll');
  }
  await appReady(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Reenroll a certificate store' })).toBeVisible();
}

async function chooseStore(page, machine, path) {
  await page.getByLabel('Client machine contains').fill(machine);
  await page.getByRole('button', { name: 'Search stores' }).click();
  await page.getByRole('button', { name: `Choose ${machine} ${path}` }).click();
  await expect(page.getByRole('heading', { name: 'New certificate' })).toBeVisible();
}

async function fillAndSubmit(page, cn) {
  await page.getByLabel('Subject name').fill(`CN=${cn},O=Key Example Inc,C=US`);
  await page.getByRole('textbox', { name: /^Alias/ }).fill(cn);
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();
}

const posts = async (sim) => (await sim.requests()).filter((r) => r.method === 'POST' && r.path.endsWith('/CertificateStores/Reenrollment'));

test.describe('on Command 10 (no SSO)', () => {
  test.use({ baseURL: async ({ anonV10URL }, use) => use(anonV10URL) });

  test('a reenrollment that succeeds: empty form, errors, then the job to the end', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'web01.eu.keyexample.com', '/etc/ssl/certs/web01.pem');
    await expectNoAxeViolations(page, 'empty form');

    // A failed submit: the summary takes focus and lists each field; nothing is sent.
    await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
    const summary = page.getByRole('alert').filter({ hasText: 'Please correct the following' });
    await expect(summary).toBeFocused();
    await expect(summary.getByRole('link')).toHaveCount(2);
    await expect(page.getByLabel('Subject name')).toHaveAttribute('aria-invalid', 'true');
    await expectNoAxeViolations(page, 'errors shown');
    expect(await posts(sim)).toHaveLength(0);

    // The subject is parsed as the user types.
    await page.getByLabel('Subject name').fill('CN=web01.eu.keyexample.com,O="Key Example, Inc.",C=US');
    await expect(page.locator('.dn-preview dd').nth(1)).toHaveText('Key Example, Inc.');

    // Double click: one request.
    await page.getByRole('textbox', { name: /^Alias/ }).fill('web01');
    await page.getByRole('button', { name: 'Schedule reenrollment' }).dblclick();
    await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'scheduled' })).toBeVisible();
    const done = page.getByText('The job succeeded');
    await advanceUntil(page, sim, done);
    await expect(page.getByRole('status').filter({ hasText: 'completed successfully' })).toBeVisible();
    await expectNoAxeViolations(page, 'result');

    const sent = await posts(sim);
    expect(sent).toHaveLength(1);
    expect(sent[0].body).toMatchObject({ Alias: 'web01', JobProperties: { IncludeChain: true } });
    expect(sent[0].body.SubjectName).toContain('CN=web01.eu.keyexample.com');

    // Polling stopped at the final state.
    const before = (await sim.requests()).filter((r) => JOB_LISTS.test(r.path)).length;
    await page.waitForTimeout(1_500);
    expect((await sim.requests()).filter((r) => JOB_LISTS.test(r.path)).length).toBe(before);

    // What the whole flow sent, by endpoint (the polls depend on timing, the rest does not).
    const byEndpoint = {};
    for (const r of await sim.requests()) {
      const key = `${r.method} ${r.path.replace('/KeyfactorAPI', '')}`;
      byEndpoint[key] = (byEndpoint[key] ?? 0) + 1;
    }
    console.log('reenrollment requests:', JSON.stringify(byEndpoint));
    expect(byEndpoint).toMatchObject({
      'GET /CertificateStoreTypes': 1,
      'GET /CertificateStores': 1,
      'POST /CertificateStores/Reenrollment': 1,
      'GET /Agents': 1,
    });

    // The timeline links to the store's jobs; the filter is in the URL and in the form.
    await page.getByRole('link', { name: "See this store's jobs" }).click();
    await expect(page).toHaveURL(/\/jobs\?machine=web01\.eu\.keyexample\.com&path=%2Fetc%2Fssl%2Fcerts%2Fweb01\.pem$/);
    await expect(page.getByLabel('Client machine')).toHaveValue('web01.eu.keyexample.com');
    const rows = page.locator('tbody tr');
    await expect(rows.filter({ hasText: 'Reenrollment' })).toHaveCount(1);
    await expect(rows.filter({ hasText: 'Reenrollment' })).toContainText('success');
    for (const machine of await rows.locator('td:nth-child(2)').allTextContents()) {
      expect(machine).toBe('web01.eu.keyexample.com');
    }
    await expectNoAxeViolations(page, 'jobs of the store');
    await page.getByLabel('Job type').selectOption('Inventory');
    await page.getByRole('button', { name: 'Show jobs' }).click();
    await expect(page).toHaveURL(/&type=Inventory$/);
    await expect(rows.filter({ hasText: 'Reenrollment' })).toHaveCount(0);
    await expect(rows.first()).toContainText('Inventory');
  });

  test('a reenrollment whose answer was lost is followed on retry, not scheduled twice', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(504);
    await openReenroll(page);
    await chooseStore(page, 'web02.eu.keyexample.com', '/etc/nginx/tls/web02.pem');
    await sim.fault({ method: 'POST', path: '/KeyfactorAPI/CertificateStores/Reenrollment', kind: 'lost_answer' });
    await page.getByLabel('Subject name').fill('CN=web02.eu.keyexample.com');
    await page.getByRole('textbox', { name: /^Alias/ }).fill('web02');
    const schedule = page.getByRole('button', { name: 'Schedule reenrollment' });
    await schedule.click();
    await expect(page.getByRole('alert')).toContainText('HTTP 504');
    await expect(page.getByText('Scheduling again first looks for its job')).toBeVisible();

    await schedule.click();
    await expect(page.getByText('Keyfactor had received your earlier request')).toBeVisible();
    await advanceUntil(page, sim, page.getByText('The job succeeded'));
    expect(await posts(sim)).toHaveLength(1);
    await expectNoAxeViolations(page, 'lost answer followed');
  });

  test('keyboard only: search a store, pick it, fill the form, schedule and follow the job', async ({ page, sim, problems }) => {
    await openReenroll(page);
    const keys = page.keyboard;
    await tabTo(page, page.getByLabel('Client machine contains'));
    await keys.type('web02.eu');
    await keys.press('Enter');
    await tabTo(page, page.getByRole('button', { name: 'Choose web02.eu.keyexample.com /etc/nginx/tls/web02.pem' }));
    await keys.press('Enter');
    await tabTo(page, page.getByLabel('Subject name'));
    await keys.type('CN=web02.eu.keyexample.com,O="Key Example, Inc."');
    await tabTo(page, page.getByRole('textbox', { name: /^Alias/ }));
    await keys.type('web02');
    await tabTo(page, page.getByRole('button', { name: 'Schedule reenrollment' }));
    await keys.press('Enter');
    await expect(page.getByRole('heading', { name: 'Reenrollment job' })).toBeVisible();
    await advanceUntil(page, sim, page.getByText('The job succeeded'));
    const sent = await posts(sim);
    expect(sent).toHaveLength(1);
    // Sent in the parser's canonical RFC 4514 spelling.
    expect(sent[0].body.SubjectName).toBe('CN=web02.eu.keyexample.com,O=Key Example\\, Inc.');
  });

  test('the subject can be taken from the certificate in the store', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'web01.eu.keyexample.com', '/etc/ssl/certs/web01.pem');
    await page.getByRole('button', { name: 'Use the subject of the certificate in this store' }).click();
    // This store holds several certificates: the user picks one by alias.
    await expect(page.getByRole('status').filter({ hasText: /The store holds \d+ certificates/ })).toBeVisible();
    await page.getByRole('button', { name: /^Use CN=web01\.eu\.keyexample\.com,.* \(alias web01\)$/ }).click();
    await expect(page.getByLabel('Subject name')).toHaveValue('CN=web01.eu.keyexample.com,OU=IT,O=Key Example Inc,L=Independence,ST=OH,C=US');
    await expect(page.getByRole('textbox', { name: /^Alias/ })).toHaveValue('web01');
    await expect(page.getByRole('status').filter({ hasText: 'Filled in from the certificate stored as "web01"' })).toBeVisible();
    // The parsed preview shows how the filled-in name was understood.
    await expect(page.locator('.dn-preview')).toContainText('web01.eu.keyexample.com');
    expect((await sim.requests()).filter((r) => r.path.endsWith('/Inventory'))).toHaveLength(1);
    await expectNoAxeViolations(page, 'prefilled');
  });

  test('a job that fails shows the orchestrator message', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'app01.eu.keyexample.com', '/opt/app/readonly/tls.pem');
    // Optional on this form: a template chosen from what the user may enroll with (Command 10 names templates).
    await page.getByLabel('Template').selectOption('WebServer');
    await fillAndSubmit(page, 'app01.eu.keyexample.com');
    expect((await posts(sim))[0].body).toMatchObject({ CertificateTemplate: 'WebServer' });
    await advanceUntil(page, sim, page.getByText('The job failed', { exact: true }));
    await expect(page.locator('.orchestrator-message')).toContainText('Read-only file system');
    await expect(page.getByRole('status').filter({ hasText: 'The job failed.' })).toBeVisible();
    await expectNoAxeViolations(page, 'failure');
  });

  test('a job behind an offline orchestrator says so instead of spinning', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'web05.ap.keyexample.com', '/etc/ssl/certs/web05.pem');
    await fillAndSubmit(page, 'web05.ap.keyexample.com');
    await sim.advanceJobs(10_000);
    await expect(page.getByText(/The orchestrator looks offline: it last checked in at \d{4}-/)).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'looks offline' })).toBeVisible();
    await expectNoAxeViolations(page, 'offline');
    // It stopped asking.
    const before = (await sim.requests()).filter((r) => JOB_LISTS.test(r.path)).length;
    await page.waitForTimeout(1_500);
    expect((await sim.requests()).filter((r) => JOB_LISTS.test(r.path)).length).toBe(before);
  });

  test('a transient 503 while polling is retried and the job is followed to the end', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(503);
    await openReenroll(page);
    await chooseStore(page, 'web02.eu.keyexample.com', '/etc/nginx/tls/web02.pem');
    await sim.fault({ method: 'GET', path: '/KeyfactorAPI/OrchestratorJobs/JobHistory', kind: 'status', status: 503, times: 1 });
    await fillAndSubmit(page, 'web02.eu.keyexample.com');
    await advanceUntil(page, sim, page.getByText('The job succeeded'));
    const history = (await sim.requests()).filter((r) => r.path.endsWith('/OrchestratorJobs/JobHistory'));
    expect(history[0].status).toBe(503);
    expect(history.at(-1).status).toBe(200);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });

  test('leaving the page stops polling', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'web02.eu.keyexample.com', '/etc/nginx/tls/web02.pem');
    await fillAndSubmit(page, 'web02.eu.keyexample.com');
    await expect(page.getByRole('status').filter({ hasText: 'scheduled' })).toBeVisible();
    await page.getByRole('link', { name: 'Renew a certificate' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();
    const count = async () => (await sim.requests()).filter((r) => JOB_LISTS.test(r.path) || r.path.endsWith('/Agents')).length;
    const before = await count();
    await page.waitForTimeout(3_000);
    expect(await count()).toBe(before);
  });

  test('a garbage store link gives a message, a store without enrollment cannot be submitted', async ({ page, problems }) => {
    await fastPolling(page);
    await page.goto('/reenroll?store=not-a-guid');
    await appReady(page);
    await expect(page.getByRole('alert')).toContainText('The store in the link is not valid');
    await page.getByLabel('Client machine contains').fill('iis01');
    await page.getByRole('button', { name: 'Search stores' }).click();
    await expect(page.getByRole('cell', { name: /does not support reenrollment/ })).toBeVisible();
    await page.getByLabel('Client machine contains').fill('build01');
    await page.getByRole('button', { name: 'Search stores' }).click();
    await expect(page.getByRole('cell', { name: /no orchestrator assigned/ })).toBeVisible();
    await expectNoAxeViolations(page, 'ineligible stores');
  });
});

test('on Command 25 with SSO: a JKS store by deep link, with its secret parameter', async ({ page, sim, problems }) => {
  await openReenroll(page, { sso: true });
  await chooseStore(page, 'tomcat01.eu.keyexample.com', '/opt/tomcat/conf/keystore.jks');
  const id = await page.locator('.facts code').textContent();

  // The help-desk deep link opens the same store (any GUID spelling).
  await page.goto(`/reenroll?store=${id.toUpperCase()}`);
  await appReady(page);
  await expect(page.getByRole('heading', { name: 'New certificate' })).toBeVisible();
  const password = page.getByLabel('Private Key Password');
  await expect(password).toHaveAttribute('type', 'password');
  await page.getByLabel('Subject name').fill('CN=tomcat01.eu.keyexample.com');
  await page.getByRole('textbox', { name: /^Alias/ }).fill('tomcat');
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await expect(page.getByRole('link', { name: 'Private Key Password is required.' })).toBeVisible();
  await password.fill('changeit');
  await page.getByRole('button', { name: 'Schedule reenrollment' }).click();
  await advanceUntil(page, sim, page.getByText('The job succeeded'));
  await expectNoAxeViolations(page, 'v25 result');

  const sent = await posts(sim);
  expect(sent).toHaveLength(1);
  expect(sent[0].body).toMatchObject({ KeystoreId: id.toLowerCase(), JobProperties: { PrivateKeyPassword: 'changeit', KeySize: '2048' } });
  // The secret is nowhere the browser keeps things.
  const kept = await page.evaluate(() => JSON.stringify({ l: { ...localStorage }, s: { ...sessionStorage }, h: history.state, u: location.href }));
  expect(kept).not.toContain('changeit');
  // Store types are read once per page load (two loads here), never per store or field.
  expect((await sim.requests()).filter((r) => r.path.endsWith('/CertificateStoreTypes'))).toHaveLength(2);
});

test.describe('polling', () => {
  test.use({ baseURL: async ({ anonV10URL }, use) => use(anonV10URL) });

  test('pauses while the tab is hidden and resumes when it is shown', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'web02.eu.keyexample.com', '/etc/nginx/tls/web02.pem');
    await fillAndSubmit(page, 'web02.eu.keyexample.com');
    await expect(page.getByRole('status').filter({ hasText: 'scheduled' })).toBeVisible();
    const setHidden = (hidden) => page.evaluate((value) => {
      Object.defineProperty(document, 'hidden', { value, configurable: true });
      // As the browser fires it: at the document, bubbling to the window.
      document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    }, hidden);
    const polls = async () => (await sim.requests()).filter((r) => JOB_LISTS.test(r.path)).length;
    await setHidden(true);
    await page.waitForTimeout(600);
    const hiddenAt = await polls();
    await page.waitForTimeout(1_500);
    expect(await polls()).toBe(hiddenAt);
    await setHidden(false);
    await advanceUntil(page, sim, page.getByText('The job succeeded'));
    expect(await polls()).toBeGreaterThan(hiddenAt);
  });

  test('CompletedWillRetry is not the end: the retry is shown, then the success', async ({ page, sim, problems }) => {
    await openReenroll(page);
    await chooseStore(page, 'api01.us.keyexample.com', '/srv/flaky-nfs/api/tls.pem');
    await fillAndSubmit(page, 'api01.us.keyexample.com');
    await sim.advanceJobs(4_100);
    await expect(page.getByRole('status').filter({ hasText: 'will retry' })).toBeVisible();
    await expect(page.locator('.orchestrator-message')).toContainText('will be retried');
    await advanceUntil(page, sim, page.getByText('The job succeeded'));
  });
});

test.describe('under a sub-path', () => {
  test.use({ baseURL: SUB_PATH });

  test('the timeline links to the jobs page, whose filter stays under /certs/', async ({ page, problems }) => {
    await fastPolling(page);
    await page.goto('/certs/reenroll');
    await appReady(page);
    await chooseStore(page, 'web01.eu.keyexample.com', '/etc/ssl/certs/web01.pem');
    await fillAndSubmit(page, 'web01.eu.keyexample.com');
    await page.getByRole('link', { name: "See this store's jobs" }).click();
    await expect(page).toHaveURL(`${SUB_PATH}/certs/jobs?machine=web01.eu.keyexample.com&path=%2Fetc%2Fssl%2Fcerts%2Fweb01.pem`);
    await page.getByLabel('Job type').selectOption('Inventory');
    await page.getByRole('button', { name: 'Show jobs' }).click();
    await expect(page).toHaveURL(`${SUB_PATH}/certs/jobs?machine=web01.eu.keyexample.com&path=%2Fetc%2Fssl%2Fcerts%2Fweb01.pem&type=Inventory`);
    await expect(page.locator('tbody tr').first()).toContainText('Inventory');
  });
});
