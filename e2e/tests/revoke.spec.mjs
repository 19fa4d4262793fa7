// Retiring the superseded certificate after a renewal: offered only once every installation job succeeded,
// confirmed against a summary of exactly what is revoked, refused while a store still holds the old
// certificate, sent once (counted at the simulator) with reason 4 (superseded) and a comment naming the new
// certificate; the bulk run's option does the same per row.
import {
  test, expect, signIn, appReady, expectNoAxeViolations, fastPolling, advanceUntil,
} from './fixtures.mjs';

const RENEW = '/KeyfactorAPI/Enrollment/Renew';
const REVOKE = '/KeyfactorAPI/Certificates/Revoke';
const SECTION = '7. Retire the old certificate';
const SUCCESS = 'The job completed successfully.';

const revokes = async (sim) => (await sim.requests()).filter((r) => r.method === 'POST' && r.path === REVOKE);
const newIdOf = async (sim) => (await sim.requests()).find((r) => r.path === RENEW).response.KeyfactorId;

/** Renews certificate `id` as the help desk, up to the result (signed in through the SSO stand-in, unless the
 * simulator acts as that user without one). */
async function renew(page, id, { sso = true } = {}) {
  await fastPolling(page);
  if (sso) await signIn(page, `/renew?id=${id}`, 'helpdesk');
  else await page.goto(`/renew?id=${id}`);
  await appReady(page);
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
}

/** Replaces in every store and lets the orchestrators finish the jobs. */
async function replaceEverywhere(page, sim, stores) {
  await page.getByRole('button', { name: stores === 1 ? 'Replace in its one store' : `Replace in all ${stores} stores` }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await expect(jobs.locator('tbody tr')).toHaveCount(stores);
  return jobs;
}

test('superseded: revoke is offered only once every job succeeded, names what it revokes, is sent once with reason 4, and the old certificate then shows as revoked', async ({ page, sim }) => {
  // Renewal, two jobs followed to their end, the revocation and a second lookup, with an axe check at each step.
  test.setTimeout(60_000);
  await renew(page, 1);
  const jobs = await replaceEverywhere(page, sim, 2);
  // While the jobs wait or run, nothing is offered.
  await expect(jobs.locator('.job-status').first()).not.toHaveText(SUCCESS);
  await expect(page.getByRole('heading', { name: SECTION })).toHaveCount(0);
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText([SUCCESS, SUCCESS], { timeout: 10_000 });
  await expect(page.getByRole('heading', { name: SECTION })).toBeVisible();
  await expectNoAxeViolations(page, 'retire offered');
  expect(await revokes(sim)).toHaveLength(0);

  // The confirmation names exactly the old certificate, as Keyfactor describes it.
  const old = (await sim.requests()).find((r) => r.method === 'GET' && r.path === '/KeyfactorAPI/Certificates/1').response;
  const newId = await newIdOf(sim);
  await page.getByRole('button', { name: 'Revoke the old certificate…' }).click();
  const confirm = page.getByRole('group', { name: 'Revoke certificate 1?' });
  await expect(page.getByRole('heading', { name: 'Revoke certificate 1?' })).toBeFocused();
  for (const fact of [old.IssuedCN, old.SerialNumber, old.Thumbprint, old.IssuerDN, 'Superseded (4)',
    `Superseded by certificate ${newId} (renewed with the certificate portal)`]) {
    await expect(confirm).toContainText(fact);
  }
  await expectNoAxeViolations(page, 'retire confirmation');

  // A double click sends one revocation, after reading the certificate's locations again.
  await page.getByRole('button', { name: 'Revoke certificate 1' }).dblclick();
  const status = page.locator('#retire-status');
  await expect(status).toContainText('Certificate 1 is revoked (reason: Superseded (4)).');
  const sent = await revokes(sim);
  expect(sent).toHaveLength(1);
  expect(sent[0].body).toMatchObject({
    CertificateIds: [1], Reason: 4,
    Comment: `Superseded by certificate ${newId} (renewed with the certificate portal)`,
  });
  expect(new Date(sent[0].body.EffectiveDate).getTime()).not.toBeNaN();
  expect(sent[0].body).not.toHaveProperty('CollectionId');
  const requests = await sim.requests();
  const check = requests.findLastIndex((r) => r.method === 'GET' && r.path === '/KeyfactorAPI/Certificates/1');
  expect(check).toBeLessThan(requests.indexOf(requests.find((r) => r.path === REVOKE)));
  expect(new URLSearchParams(requests[check].query).get('includeLocations')).toBe('true');
  await expect(page.getByRole('button', { name: 'Revoke the old certificate…' })).toHaveCount(0);
  await expectNoAxeViolations(page, 'retired');

  // Looked up again, the old certificate is revoked: no renewal, and its history says why.
  await page.getByRole('button', { name: 'Renew another certificate' }).click();
  await page.getByRole('textbox', { name: /^Certificate ID/ }).fill('1');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await expect(page.locator('#renewal-plan')).toContainText('has been revoked');
  const history = page.getByRole('table', { name: "The certificate's history, newest first" });
  await expect(history.locator('tbody tr').first()).toContainText(`Superseded by certificate ${newId}`);
});

test('superseded: refused, naming the store, while a store the Deploy left out still holds the old certificate', async ({ page, sim }) => {
  await renew(page, 1);
  // Deploy to one of its two stores: the other keeps the old certificate.
  await page.getByLabel(/\/etc\/ssl\/certs\/web01\.pem/).check();
  await page.getByRole('button', { name: 'Deploy to the ticked stores' }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await expect(jobs.locator('tbody tr')).toHaveCount(1);
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText([SUCCESS], { timeout: 10_000 });
  await page.getByRole('button', { name: 'Revoke the old certificate…' }).click();
  await page.getByRole('button', { name: 'Revoke certificate 1' }).click();
  const status = page.locator('#retire-status');
  await expect(status).toContainText('Not revoked: certificate 1 is still in iis01.eu.keyexample.com');
  await expect(status).not.toContainText('web01.pem');
  expect(await revokes(sim)).toHaveLength(0);
  await expect(page.getByRole('button', { name: 'Check the stores again' })).toBeVisible();
  await expectNoAxeViolations(page, 'retire refused');
});

test('superseded: a failed installation job means no offer', async ({ page, sim }) => {
  // app01's only store is read-only: the orchestrator fails the job.
  await renew(page, 7);
  const jobs = await replaceEverywhere(page, sim, 1);
  await advanceUntil(page, sim, jobs.getByText('The job failed.'));
  await page.waitForTimeout(500);
  await expect(page.getByRole('heading', { name: SECTION })).toHaveCount(0);
  expect(await revokes(sim)).toHaveLength(0);
});

test.describe('on Command 10', () => {
  test.use({ baseURL: async ({ anonV10URL }, use) => use(anonV10URL) });

  test('superseded: a lost answer is looked for before resending; a refusal names the permission', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(504);
    problems.allowedHttpStatuses.add(403);
    await renew(page, 1, { sso: false });
    const jobs = await replaceEverywhere(page, sim, 2);
    await sim.advanceJobs(60_000);
    await expect(jobs.locator('.job-status')).toHaveText([SUCCESS, SUCCESS], { timeout: 10_000 });

    await sim.fault({ method: 'POST', path: REVOKE, kind: 'status', status: 403 });
    await page.getByRole('button', { name: 'Revoke the old certificate…' }).click();
    await page.getByRole('button', { name: 'Revoke certificate 1' }).click();
    await expect(page.getByRole('alert')).toContainText('Certificates - Revoke');
    await expectNoAxeViolations(page, 'retire forbidden');

    // The revocation goes through but its answer is lost: the next click finds it instead of sending again.
    await sim.fault({ method: 'POST', path: REVOKE, kind: 'lost_answer' });
    await page.getByRole('button', { name: 'Revoke certificate 1' }).click();
    await expect(page.getByRole('alert')).toContainText('504');
    await page.getByRole('button', { name: 'Revoke certificate 1' }).click();
    await expect(page.locator('#retire-status')).toContainText('the earlier attempt, whose answer was lost, went through');
    expect(await revokes(sim)).toHaveLength(2);
  });
});

test('superseded: the bulk option revokes each row whose jobs all succeeded, and says why not for the others', async ({ page, sim }) => {
  test.setTimeout(60_000);
  await fastPolling(page);
  await signIn(page, '/expiring?days=90&collection=3', 'alice');
  await appReady(page);
  const names = ['web01.eu.keyexample.com', 'shop30.eu.keyexample.com', 'app01.eu.keyexample.com'];
  const list = page.getByRole('table', { name: /certificates expiring in the next 90 days/ });
  await expect(list.getByText('Reading…')).toHaveCount(0);
  for (const name of names) await list.getByRole('checkbox', { name: `Tick ${name} for bulk renewal` }).check();
  await page.getByRole('button', { name: 'Renew the ticked certificates…' }).click();
  const option = page.getByLabel('Revoke each superseded certificate once its installation jobs succeed');
  await expect(option).not.toBeChecked();
  await option.check();
  await expectNoAxeViolations(page, 'bulk plan with retire');
  await page.getByRole('button', { name: 'Renew 3 certificates' }).click();

  const run = page.getByRole('table', { name: "Each certificate's renewal and installation" });
  const row = (name) => run.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  await expect(row('shop30.eu.keyexample.com').locator('.bulk-retire')).toContainText('Old certificate not revoked: No installation job ran', { timeout: 20_000 });
  await expect(row('web01.eu.keyexample.com').locator('.bulk-retire')).toContainText('revoked once its installation jobs succeed');
  await advanceUntil(page, sim, row('web01.eu.keyexample.com').getByText('is revoked (reason: Superseded (4))'));
  await expect(row('app01.eu.keyexample.com').locator('.bulk-retire')).toContainText('The installation failed in app01.eu.keyexample.com', { timeout: 10_000 });
  await expect(page.locator('#bulk-summary')).toContainText('old certificate revoked for 1, not for 2');
  await expectNoAxeViolations(page, 'bulk retired');

  const sent = await revokes(sim);
  expect(sent).toHaveLength(1);
  const web01 = (await sim.requests()).find((r) => r.path === RENEW && r.response?.KeyfactorId
    && r.body.CertificateId === sent[0].body.CertificateIds[0]);
  expect(web01).toBeTruthy();
  expect(sent[0].body).toMatchObject({ Reason: 4, CollectionId: 3, Comment: `Superseded by certificate ${web01.response.KeyfactorId} (renewed with the certificate portal)` });
});
