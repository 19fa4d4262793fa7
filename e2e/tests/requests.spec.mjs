// "My requests": a renewal that waits for approval (certificate 5, template CodeSigning) is followed by its
// owner, decided by the help desk in another browser, and once approved continued to Replace and its jobs.
// Those who may not approve (alice, the auditor) see no Approve or Deny and are told why.
import { test, expect, signIn, appReady, expectNoAxeViolations, fastPolling } from './fixtures.mjs';

const APPROVE = '/KeyfactorAPI/Workflow/Certificates/Approve';
const DENY = '/KeyfactorAPI/Workflow/Certificates/Deny';
const REPLACE = '/KeyfactorAPI/Enrollment/PFX/Replace';
const MISSING = 'Certificate Enrollment - Approve Requests';

/** The decisions the simulator saw about real requests (the permission check sends Approve with no ids). */
async function decisions(sim, path) {
  return (await sim.requests()).filter((r) => r.method === 'POST' && r.path === path
    && (Array.isArray(r.body) ? r.body.length > 0 : true));
}

/** Renews certificate 5 on the renew page already open: the request id of the pending renewal. */
async function renewCodeSigning(page) {
  await expect(page.locator('#renewal-plan')).toContainText('Seeded renewal');
  await page.getByLabel('Enrollment pattern').selectOption({ label: 'Code Signing (approval required)' });
  await page.getByLabel('Certificate authority').selectOption('ca01.keyexample.com\\CorpIssuingCA1');
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: pending approval' })).toBeFocused();
  const follow = page.getByRole('link', { name: /^Follow request \d+ in My requests$/ });
  return Number((await follow.textContent()).match(/\d+/)[0]);
}

/** Another browser, signed in as `user` on `path`; its console errors (but `allowed` statuses) are kept. */
async function otherBrowser(browser, baseURL, user, path, allowed = []) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => {
    const status = /status of (\d{3})/.exec(msg.text())?.[1];
    if (msg.type() === 'error' && !allowed.includes(Number(status))) errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  await signIn(page, path, user);
  await appReady(page);
  return { context, page, errors };
}

/** The help desk's card of request `id` on My requests. */
const cardOf = (page, id) => page.getByRole('article', { name: new RegExp(`\\(request ${id}\\)$`) });

test('alice renews, the help desk approves it in another browser, alice gets it and replaces the old one', async ({ page, browser, baseURL, sim, problems }) => {
  problems.allowedHttpStatuses.add(403); // alice may not approve: the check is refused
  await fastPolling(page);
  await signIn(page, '/renew?id=5&collection=3', 'alice');
  await appReady(page);
  const id = await renewCodeSigning(page);
  await expectNoAxeViolations(page, 'renewal result: pending');
  await page.getByRole('link', { name: `Follow request ${id} in My requests` }).click();
  await expect(page.getByRole('heading', { name: `Request ${id}: waiting for approval` })).toBeFocused();
  await expect(page.locator('.request-view')).toContainText('CN=signing.build.keyexample.com');
  await expect(page.locator('.request-view')).toContainText('KEYEXAMPLE\\alice');
  await expectNoAxeViolations(page, 'request waiting');

  // Her list: the request, no Approve or Deny, and why.
  await page.getByRole('link', { name: 'All requests' }).click();
  await expect(cardOf(page, id)).toContainText('Code Signing');
  await expect(page.getByRole('button', { name: /^(Approve|Deny) request/ })).toHaveCount(0);
  await expect(page.locator('.approval-notice')).toContainText(MISSING);
  await expectNoAxeViolations(page, 'owner list');

  // The help desk, elsewhere: Approve, double-clicked, goes out once.
  const desk = await otherBrowser(browser, baseURL, 'helpdesk', '/requests', [400]);
  const card = cardOf(desk.page, id);
  await expect(card).toContainText('KEYEXAMPLE\\alice');
  await expect(desk.page.locator('.approval-notice')).toHaveCount(0);
  await expectNoAxeViolations(desk.page, 'approver list');
  await card.getByRole('button', { name: `Approve request ${id}` }).dblclick();
  await expect(card.getByRole('status')).toContainText('Approved: Keyfactor issued the certificate.');
  await expect(card.getByRole('button', { name: `Approve request ${id}` })).toBeDisabled();
  await expectNoAxeViolations(desk.page, 'approved');
  const approvals = await decisions(sim, APPROVE);
  expect(approvals.map((r) => r.body)).toEqual([[id]]);
  await desk.page.getByRole('link', { name: 'This session' }).click();
  await expect(desk.page.locator('main')).toContainText(`request ${id}`);
  await expect(desk.page.locator('main')).toContainText('Approval');
  expect(desk.errors).toEqual([]);
  await desk.context.close();

  // alice, back on her request: issued, with the way on.
  await page.goBack();
  await expect(page.getByRole('heading', { name: `Request ${id}: issued` })).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Get the new certificate as a file' })).toBeVisible();
  await expectNoAxeViolations(page, 'request issued');
  await page.getByRole('button', { name: 'Replace in its one store' }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await expect(jobs.locator('tbody tr')).toHaveCount(1);
  await expect(jobs).toContainText('iis03.us.keyexample.com');
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText(['The job completed successfully.'], { timeout: 10_000 });
  await expectNoAxeViolations(page, 'replaced');
  const replaces = (await sim.requests()).filter((r) => r.method === 'POST' && r.path === REPLACE);
  expect(replaces).toHaveLength(1);
  expect(replaces[0].body.ExistingCertificateId).toBe(5);
  expect(replaces[0].body.CertificateId).toBeGreaterThan(5);
  expect(replaces[0].body.Password).toBeUndefined();
});

test('the help desk denies with a comment, required next to its field, and alice reads it', async ({ page, browser, baseURL, sim, problems }) => {
  problems.allowedHttpStatuses.add(403);
  await signIn(page, '/renew?id=5&collection=3', 'alice');
  await appReady(page);
  const id = await renewCodeSigning(page);

  const desk = await otherBrowser(browser, baseURL, 'helpdesk', '/requests', [400]);
  const card = cardOf(desk.page, id);
  await card.getByRole('button', { name: `Deny request ${id}` }).click();
  const comment = card.getByRole('textbox', { name: 'Comment for the requester' });
  await expect(comment).toHaveAttribute('aria-invalid', 'true');
  await expect(card.locator(`#deny-comment-${id}-error`)).toHaveText('Enter a comment: it tells the requester why the request was denied.');
  await expectNoAxeViolations(desk.page, 'deny without a comment');
  expect(await decisions(sim, DENY)).toHaveLength(0);
  await comment.fill('Code signing moves to the new HSM-backed CA; request it there.');
  await card.getByRole('button', { name: `Deny request ${id}` }).click();
  await expect(card.getByRole('status')).toContainText('Denied: the requester sees your comment.');
  const denials = await decisions(sim, DENY);
  expect(denials.map((r) => r.body)).toEqual([{ Comment: 'Code signing moves to the new HSM-backed CA; request it there.', CertificateRequestIds: [id] }]);
  expect(desk.errors).toEqual([]);
  await desk.context.close();

  await page.getByRole('link', { name: `Follow request ${id} in My requests` }).click();
  await expect(page.getByRole('heading', { name: `Request ${id}: denied` })).toBeFocused();
  await expect(page.locator('.request-view')).toContainText('Code signing moves to the new HSM-backed CA; request it there.');
  await expectNoAxeViolations(page, 'request denied');
  await page.getByRole('link', { name: 'All requests' }).click();
  const denied = page.getByRole('list', { name: 'Denied' });
  await expect(cardOf(denied, id)).toContainText('Code signing moves to the new HSM-backed CA');
  await expect(page.getByText('No request waits for approval.')).toBeVisible();
  await expectNoAxeViolations(page, 'owner list with a denial');
});

test('the auditor reads every waiting request but is offered no decision, and told why', async ({ page, browser, baseURL, problems }) => {
  problems.allowedHttpStatuses.add(403);
  const desk = await otherBrowser(browser, baseURL, 'helpdesk', '/renew?id=5');
  const id = await renewCodeSigning(desk.page);
  await desk.context.close();

  await signIn(page, '/requests', 'auditor');
  await appReady(page);
  await expect(cardOf(page, id)).toContainText('signing.build.keyexample.com');
  await expect(page.getByRole('button', { name: /^(Approve|Deny) request/ })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Comment for the requester' })).toHaveCount(0);
  await expect(page.locator('.approval-notice')).toContainText(`KEYEXAMPLE\\auditor does not have any of the required permissions: ${MISSING}`);
  await expectNoAxeViolations(page, 'auditor list');
});

test('an approval whose answer was lost is looked for before anything is sent again', async ({ page, browser, baseURL, sim, problems }) => {
  problems.allowedHttpStatuses.add(400); // the help desk's permission check: Approve with no ids
  problems.allowedHttpStatuses.add(504);
  const owner = await otherBrowser(browser, baseURL, 'alice', '/renew?id=5&collection=3', [403]);
  const id = await renewCodeSigning(owner.page);
  await owner.context.close();

  await signIn(page, '/requests', 'helpdesk');
  await appReady(page);
  const card = cardOf(page, id);
  await expect(card.getByRole('button', { name: `Approve request ${id}` })).toBeEnabled();
  await sim.fault({ method: 'POST', path: APPROVE, kind: 'lost_answer' });
  await card.getByRole('button', { name: `Approve request ${id}` }).click();
  await expect(card.getByRole('alert')).toContainText('HTTP 504');
  await expect(card.getByText('Trying again first reads the request\'s state')).toBeVisible();
  await card.getByRole('button', { name: `Approve request ${id}` }).click();
  await expect(card.getByRole('status')).toContainText('An earlier attempt, whose answer was lost, had already reached Keyfactor: the request is issued.');
  await expectNoAxeViolations(page, 'lost approval found');
  expect(await decisions(sim, APPROVE)).toHaveLength(1);
  const reads = (await sim.requests()).filter((r) => r.method === 'GET' && r.path === `/KeyfactorAPI/Workflow/Certificates/${id}`);
  expect(reads).toHaveLength(1);
});

test.describe('on Command 10', () => {
  test.use({ baseURL: async ({ anonV10URL }, use) => use(anonV10URL) });

  test('the help desk renews, finds the request on My requests (pagedQuery paging) and approves it', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(400); // the permission check: Approve with no ids
    await page.goto('/renew?id=5');
    await appReady(page);
    await expect(page.locator('#renewal-plan')).toContainText('Seeded renewal');
    await page.getByLabel('Template').selectOption('CodeSigning');
    await page.getByLabel('Certificate authority').selectOption('ca01.keyexample.com\\CorpIssuingCA1');
    await page.getByRole('button', { name: 'Renew certificate' }).click();
    const follow = page.getByRole('link', { name: /^Follow request \d+ in My requests$/ });
    const id = Number((await follow.textContent()).match(/\d+/)[0]);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My requests' }).click();
    const card = cardOf(page, id);
    await card.getByRole('button', { name: `Approve request ${id}` }).click();
    await expect(card.getByRole('status')).toContainText('Approved');
    const lists = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/Workflow/Certificates/Pending');
    expect(new URLSearchParams(lists[0].query).get('pagedQuery.pageReturned')).toBe('1');
    expect(await decisions(sim, APPROVE)).toHaveLength(1);
  });
});
