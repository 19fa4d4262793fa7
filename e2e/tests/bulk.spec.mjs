// Bulk renewal from "Expiring soon": an application owner ticks ten certificates, reads the plan,
// confirms once, and the run renews two at a time; each row shows its own outcome through to its stores'
// installation jobs, a failure in one row stops no other, failed rows can be retried, and the batch's
// passwords can be copied as CSV only after a confirmation. Counted at the simulator.
import {
  test, expect, appReady, signIn, expectNoAxeViolations, fastPolling, advanceUntil, recordConsole, expectSecretNowhere,
} from './fixtures.mjs';

const RENEW = '/KeyfactorAPI/Enrollment/Renew';

// Alice's certificates expiring soonest (the simulator's fixed seed), in list order (her permissions are on
// certificate collection 3, so every test opens the portal with ?collection=3): the plan and the
// run keep this order, so the third Renew sent is always web05's.
const TEN = [
  'sso38.eu.keyexample.com', // seeded: its own template from its CA, no store
  'web01.eu.keyexample.com', // one-click, in 2 stores
  'web05.ap.keyexample.com', // one-click, 1 store: gets the injected 500
  'shop30.eu.keyexample.com', // one-click, no store
  'app01.eu.keyexample.com', // one-click, 1 store
  'search31.eu.keyexample.com', // seeded, no store
  'partner-portal.keyexample.com', // RestrictedServer: the policy module denies it
  'api.eu.keyexample.com', // seeded (2-year template), 1 store
  'signing.build.keyexample.com', // CodeSigning: waits for approval
  'build01.keyexample.com', // one-click; its only store has no orchestrator, so Replace fails there
];

const renewRequests = async (sim) => (await sim.requests()).filter((r) => r.method === 'POST' && r.path === RENEW);
const rowOf = (table, name) => table.locator('tbody tr').filter({ has: table.page().getByRole('rowheader', { name, exact: true }) });

/** Ticks `names` on the 90-day list (after "Show more" when asked) and opens their plan. */
async function tickAndPlan(page, names, { showMore = false } = {}) {
  const list = page.getByRole('table', { name: /certificates expiring in the next 90 days/ });
  if (showMore) await page.getByRole('button', { name: /^Show more/ }).click();
  await expect(list.getByText('Reading…')).toHaveCount(0);
  for (const name of names) {
    await list.getByRole('checkbox', { name: `Tick ${name} for bulk renewal` }).check();
  }
  await expect(page.getByText(`${names.length} certificates ticked.`)).toBeVisible();
  await page.getByRole('button', { name: 'Renew the ticked certificates…' }).click();
  await expect(page.getByRole('heading', { name: `Renew ${names.length} certificates` })).toBeFocused();
}

test('ten at once: one pending, one denied, one 500; per-row outcomes and jobs, exactly ten Renew requests, retry, CSV', async ({ page, context, sim, problems }) => {
  problems.allowedHttpStatuses.add(500);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const consoleLines = recordConsole(page);
  await fastPolling(page);
  // The first two Renews (sso38's and web01's, sent together) are held at the simulator long enough that the
  // third (web05's, sent once one of them is answered) cannot arrive before either over another connection;
  // it fails.
  await sim.fault({ method: 'POST', path: RENEW, kind: 'latency', delay_ms: 300, times: 2 });
  await sim.fault({ method: 'POST', path: RENEW, kind: 'status', status: 500 });
  await signIn(page, '/expiring?days=90&collection=3', 'alice');
  await appReady(page);
  await tickAndPlan(page, TEN);

  // The plan: how each is renewed and what Replace would touch; nothing sent yet.
  const plan = page.getByRole('table', { name: /The plan/ });
  await expect(plan.locator('tbody tr')).toHaveCount(10);
  await expect(plan.locator('tbody th')).toHaveText(TEN);
  await expect(rowOf(plan, 'web01.eu.keyexample.com')).toContainText('One-click');
  await expect(rowOf(plan, 'web01.eu.keyexample.com').locator('td').nth(2)).toContainText(';');
  await expect(rowOf(plan, 'api.eu.keyexample.com')).toContainText(/Seeded: enrollment pattern \d+ from ca02\.keyexample\.com\\CorpIssuingCA2/);
  await expect(rowOf(plan, 'shop30.eu.keyexample.com').locator('td').nth(2)).toHaveText('none');
  await expect(page.getByText('10 will be renewed, 2 at a time; 0 left out.')).toBeVisible();
  await expectNoAxeViolations(page, 'bulk plan');
  expect(await renewRequests(sim)).toHaveLength(0);

  await page.getByRole('button', { name: 'Renew 10 certificates' }).click();
  const summary = page.locator('#bulk-summary');
  await expect(summary).toHaveText(/^10 certificates: 7 issued, 1 pending approval, 1 denied, 1 failed; Replace scheduled for 3, failed for 1$/, { timeout: 20_000 });
  const renews = await renewRequests(sim);
  expect(renews).toHaveLength(10);
  expect(new Set(renews.map((r) => r.body.CertificateId)).size).toBe(10);

  const run = page.getByRole('table', { name: "Each certificate's renewal and installation" });
  await expect(rowOf(run, 'web05.ap.keyexample.com').locator('.bulk-state')).toHaveText('Failed');
  await expect(rowOf(run, 'web05.ap.keyexample.com')).toContainText('500');
  await expect(rowOf(run, 'signing.build.keyexample.com').locator('.bulk-state')).toHaveText('Pending approval');
  await expect(rowOf(run, 'signing.build.keyexample.com')).toContainText('requires approval');
  await expect(rowOf(run, 'partner-portal.keyexample.com').locator('.bulk-state')).toHaveText('Denied');
  await expect(rowOf(run, 'partner-portal.keyexample.com')).toContainText('Denied by Policy Module');
  await expect(rowOf(run, 'shop30.eu.keyexample.com').locator('.bulk-state')).toHaveText('Issued');
  await expect(rowOf(run, 'shop30.eu.keyexample.com')).toContainText('In no store');
  await expect(rowOf(run, 'build01.keyexample.com').locator('.bulk-state')).toHaveText('Issued, Replace failed in every store');
  await expect(rowOf(run, 'build01.keyexample.com')).toContainText('Keyfactor could not schedule a job there');
  // Denied and pending rows got no password; the seven issued did, masked.
  await expect(run.locator('.secret-value')).toHaveCount(7);
  await expect(run.locator('.secret-value code').first()).toHaveText(/^•+$/);

  // Each replaced store's job is followed to its end.
  const web01Jobs = rowOf(run, 'web01.eu.keyexample.com').locator('.job-status');
  await expect(web01Jobs).toHaveCount(2);
  await advanceUntil(page, sim, rowOf(run, 'api.eu.keyexample.com').getByText('The job completed successfully.'));
  await expect(web01Jobs).toHaveText(['The job completed successfully.', 'The job completed successfully.'], { timeout: 10_000 });
  // app01's store is read-only: its job fails, with the orchestrator's message in the row.
  await expect(rowOf(run, 'app01.eu.keyexample.com').locator('.job-status')).toHaveText('The job failed.', { timeout: 10_000 });
  await expect(rowOf(run, 'app01.eu.keyexample.com')).toContainText('Read-only file system');
  await expectNoAxeViolations(page, 'bulk run');

  // Retry the failed row: the 500 may have reached Command, so its certificate is looked for first.
  await page.getByRole('button', { name: 'Retry the 1 failed' }).click();
  await expect(summary).toHaveText(/^10 certificates: 8 issued, 1 pending approval, 1 denied, 0 failed; Replace scheduled for 4, failed for 1$/, { timeout: 20_000 });
  expect(await renewRequests(sim)).toHaveLength(11);
  const lookups = (await sim.requests()).filter((r) => r.method === 'GET' && r.path === '/KeyfactorAPI/Certificates'
    && decodeURIComponent(r.query).includes('ImportDate'));
  expect(lookups).toHaveLength(1);

  // Reloading now would lose the passwords: the browser asks first, and the page stays when the user says no.
  const asked = new Promise((resolve) => {
    page.once('dialog', async (dialog) => { resolve(dialog.type()); await dialog.dismiss(); });
  });
  await page.reload({ timeout: 3_000 }).catch(() => {});
  expect(await asked).toBe('beforeunload');
  await expect(summary).toHaveText(/^10 certificates: 8 issued/);

  // Every password of the batch as CSV, only after saying yes.
  const web01 = rowOf(run, 'web01.eu.keyexample.com');
  await web01.getByRole('button', { name: 'Reveal' }).click();
  const password = (await web01.locator('.secret-value code').textContent()).trim();
  expect(password).not.toMatch(/•/);
  await page.getByRole('button', { name: 'Copy all passwords as CSV…' }).click();
  await expect(page.getByText(/This puts 8 PFX passwords on the clipboard as plain text/)).toBeVisible();
  await page.getByRole('button', { name: 'Copy the passwords' }).click();
  await expect(page.getByText('8 passwords were copied to the clipboard as CSV.')).toBeVisible();
  const csv = await page.evaluate(() => navigator.clipboard.readText());
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe('Certificate,Old certificate ID,New certificate ID,Thumbprint,PFX password');
  expect(lines).toHaveLength(9);
  expect(lines.find((l) => l.startsWith('web01.eu.keyexample.com,'))).toContain(password);
  expect(csv).not.toContain('partner-portal');
  await expectSecretNowhere(page, consoleLines, password);

  // The session log has every renewal and Replace; leaving the run wipes the passwords from the page.
  await page.getByRole('button', { name: 'Back to the list' }).click();
  await expect(page.getByRole('table', { name: /certificates expiring in the next 90 days/ })).toBeVisible();
  expect(await page.content()).not.toContain(password);
  await page.getByRole('link', { name: 'This session' }).click();
  const log = page.getByRole('table', { name: /What you did/ });
  await expect(log.locator('tbody tr').filter({ hasText: 'Renewal' })).toHaveCount(11);
  await expect(log.locator('tbody tr').filter({ hasText: 'Replace' })).toHaveCount(5);
});

test('stop leaves rows not begun untouched; continue runs them; left-out rows are explained', async ({ page, sim, problems }) => {
  // Each renewal takes a while, so Stop lands while the first two are under way.
  await sim.fault({ method: 'POST', path: RENEW, kind: 'latency', delay_ms: 1_500, times: 2 });
  await signIn(page, '/expiring?days=90&collection=3', 'alice');
  await appReady(page);
  const names = ['web01.eu.keyexample.com', 'web05.ap.keyexample.com', 'shop30.eu.keyexample.com', 'app01.eu.keyexample.com', 'legacy-app.keyexample.com'];
  await tickAndPlan(page, names, { showMore: true });

  // The retired template's certificate is left out, with the reason and a way to it.
  const plan = page.getByRole('table', { name: /The plan/ });
  await expect(rowOf(plan, 'legacy-app.keyexample.com')).toContainText('Left out:');
  await expect(rowOf(plan, 'legacy-app.keyexample.com').getByRole('link', { name: 'Renew legacy-app.keyexample.com on its own' })).toBeVisible();
  await page.getByLabel(/Then replace each old certificate/).uncheck();
  await page.getByRole('button', { name: 'Renew 4 certificates' }).click();
  await page.getByRole('button', { name: 'Stop after the requests under way' }).click();

  const summary = page.locator('#bulk-summary');
  await expect(summary).toHaveText('4 certificates: 2 issued, 0 pending approval, 0 denied, 0 failed, 2 not started');
  expect(await renewRequests(sim)).toHaveLength(2);
  const run = page.getByRole('table', { name: "Each certificate's renewal and installation" });
  await expect(run.locator('.bulk-state')).toHaveText(['Issued', 'Issued', 'Not started (the run was stopped)', 'Not started (the run was stopped)']);
  // Replace was not asked for: nothing scheduled.
  expect((await sim.requests()).filter((r) => r.path.endsWith('/Enrollment/PFX/Replace'))).toHaveLength(0);

  await page.getByRole('button', { name: 'Continue with the 2 not started' }).click();
  await expect(summary).toHaveText('4 certificates: 4 issued, 0 pending approval, 0 denied, 0 failed');
  expect(await renewRequests(sim)).toHaveLength(4);
  await expectNoAxeViolations(page, 'bulk stopped and continued');
});

test("rows whose own template the user may not use take the batch's one CA and template, or stay out", async ({ page, sim }) => {
  await sim.seedExpiring(40);
  await signIn(page, '/expiring?days=90&q=.expiring.&collection=3', 'alice');
  await appReady(page);
  // svc04 has a template only helpdesk may enroll with; svc00 is seeded with its own.
  const names = ['svc00.expiring.keyexample.com', 'svc04.expiring.keyexample.com'];
  await tickAndPlan(page, names);
  const plan = page.getByRole('table', { name: /The plan/ });
  await expect(rowOf(plan, 'svc04.expiring.keyexample.com')).toContainText('CA and template needed');
  await expect(page.getByText('1 will be renewed, 2 at a time; 1 left out.')).toBeVisible();

  // Half a choice is explained next to the missing field, and nothing is sent.
  const choice = page.getByRole('group', { name: 'CA and template for the 1 that need one' });
  await choice.getByLabel('Enrollment pattern').selectOption({ label: 'Web Server' });
  await page.getByRole('button', { name: 'Renew 1 certificate', exact: true }).click();
  await expect(choice.locator('#bulk-ca-error')).toContainText('Choose a certificate authority.');
  expect(await renewRequests(sim)).toHaveLength(0);

  await choice.getByLabel('Certificate authority').selectOption('ca01.keyexample.com\\CorpIssuingCA1');
  await expect(rowOf(plan, 'svc04.expiring.keyexample.com')).toContainText(/Seeded: enrollment pattern \d+ from ca01\.keyexample\.com\\CorpIssuingCA1/);
  await expectNoAxeViolations(page, 'bulk plan with a choice');
  await page.getByRole('button', { name: 'Renew 2 certificates' }).click();
  await expect(page.locator('#bulk-summary')).toHaveText(/^2 certificates: 2 issued/);
  const bodies = (await renewRequests(sim)).map((r) => r.body);
  expect(bodies).toHaveLength(2);
  const chosen = bodies.filter((b) => b.CertificateAuthority === 'ca01.keyexample.com\\CorpIssuingCA1');
  expect(chosen).toHaveLength(1);
  expect(chosen[0].EnrollmentPatternId).toBeGreaterThan(0);
});
