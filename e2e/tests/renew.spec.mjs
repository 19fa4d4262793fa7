// The renewal flow against the simulator: find → plan → renew once → result (password shown once) → Replace.
import {
  test, expect, signIn, appReady, expectNoAxeViolations, fastPolling, tabTo, recordConsole, expectSecretNowhere,
} from './fixtures.mjs';

const RENEW = '/KeyfactorAPI/Enrollment/Renew';

/** The API requests of one kind the simulator saw, e.g. `count(sim, 'POST', RENEW)`. */
async function count(sim, method, path) {
  const requests = await sim.requests();
  return requests.filter((r) => r.method === method && r.path === path).length;
}

/** Reveals the PFX password on the result and returns it. */
async function revealPassword(page) {
  await page.getByRole('button', { name: 'Reveal' }).click();
  const password = (await page.locator('#pfx-password-value').textContent()).trim();
  expect(password).not.toContain('•');
  return password;
}

async function renewButton(page) {
  return page.getByRole('button', { name: 'Renew certificate' });
}

test('one-click renewal shows the plan, the result with a masked password, then Replace', async ({ page, context, sim, problems }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.route('**/config.json', (route) => route.fulfill({
    contentType: 'application/json', body: '{"poll_interval_ms": 200, "poll_max_interval_ms": 1000}',
  }));
  const consoleLines = recordConsole(page);
  await signIn(page, '/renew?id=1', 'helpdesk');
  await appReady(page);
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  const locations = page.getByRole('table', { name: /installed today/ });
  await expect(locations.locator('tbody tr')).toHaveCount(2);
  await expect(locations).toContainText('/etc/ssl/certs/web01.pem');
  // Each store's orchestrator is found through the store's AgentId, not by machine name.
  await expect(locations.locator('tbody tr').filter({ hasText: 'web01.eu.keyexample.com' })).toContainText('uo-lnx01.eu.keyexample.com');
  await expect(locations.locator('tbody tr').filter({ hasText: 'iis01.eu.keyexample.com' })).toContainText('iis-orch01.eu.keyexample.com');
  await expect(locations).not.toContainText('none found');
  await expectNoAxeViolations(page, 'plan');
  await page.getByRole('button', { name: 'Copy as API call' }).click();
  await expect(page.getByText('The API call was copied to the clipboard')).toBeVisible();
  const apiCall = await page.evaluate(() => navigator.clipboard.readText());
  expect(apiCall).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/KeyfactorAPI\/Enrollment\/Renew\n/);
  expect(apiCall).toContain('x-keyfactor-requested-with: APIClient');
  expect(apiCall).toContain('"CertificateId": 1,');
  expect(await count(sim, 'POST', RENEW)).toBe(0);

  await (await renewButton(page)).click();
  const heading = page.getByRole('heading', { name: 'Renewal result: issued' });
  await expect(heading).toBeFocused();
  await expect(page.getByText('Shown once — save it now.')).toBeVisible();
  const value = page.locator('#pfx-password-value');
  await expect(value).toHaveText('••••••••••••');
  const reveal = page.getByRole('button', { name: 'Reveal' });
  await expect(reveal).toHaveAttribute('aria-pressed', 'false');
  await expectNoAxeViolations(page, 'result');
  await reveal.click();
  await expect(reveal).toHaveAttribute('aria-pressed', 'true');
  const password = (await value.textContent()).trim();
  expect(password).not.toContain('•');
  await page.getByRole('button', { name: 'Copy', exact: true }).click();
  await expect(page.getByText('Password copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(password);

  await page.getByRole('button', { name: 'Replace in all 2 stores' }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await expect(jobs.locator('tbody tr')).toHaveCount(2);
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText(['The job completed successfully.', 'The job completed successfully.'], { timeout: 10_000 });
  await expect(page.getByRole('link', { name: 'Jobs page' })).toBeVisible();
  await expectNoAxeViolations(page, 'replaced');

  const requests = await sim.requests();
  const calls = requests.map((r) => `${r.method} ${r.path}`);
  expect(calls.filter((c) => c === `POST ${RENEW}`)).toHaveLength(1);
  expect(calls.filter((c) => c === 'POST /KeyfactorAPI/Enrollment/PFX/Replace')).toHaveLength(1);
  expect(calls.filter((c) => c === 'GET /KeyfactorAPI/Enrollment/AvailableRenewal/Id/1')).toHaveLength(1);
  expect(calls.filter((c) => c === 'GET /KeyfactorAPI/Certificates/1')).toHaveLength(1);
  const replace = requests.find((r) => r.path === '/KeyfactorAPI/Enrollment/PFX/Replace');
  expect(replace.body.ExistingCertificateId).toBe(1);
  const renew = requests.find((r) => r.path === RENEW);
  expect(renew.body).toEqual({ CertificateId: 1, Timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) });

  await expectSecretNowhere(page, consoleLines, password);
  // Leaving the result wipes the password from the page.
  await page.getByRole('button', { name: 'Renew another certificate' }).click();
  await expect(page.getByRole('heading', { name: '1. Find the certificate' })).toBeVisible();
  expect(await page.content()).not.toContain(password);
});

test('the empty form explains what is missing, and a garbage deep link never crashes', async ({ page, problems }) => {
  await signIn(page, '/renew', 'helpdesk');
  await appReady(page);
  await expectNoAxeViolations(page, 'empty');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Please correct the following' })).toBeFocused();
  await expect(page.getByRole('textbox', { name: 'Certificate ID' })).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'errors shown');
  await page.getByRole('textbox', { name: 'Certificate ID' }).fill('12x');
  await expect(page.locator('#lookup-value-error')).toHaveText("A certificate ID has only digits; found 'x'.");
  await page.getByRole('textbox', { name: 'Certificate ID' }).fill('3');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await expect(page.locator('#renewal-plan')).toContainText('cannot be renewed');
  await expect(renewButton(page)).resolves.toHaveCount(0);

  await page.goto('/renew?id=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
  await appReady(page);
  await expect(page.locator('#lookup-value-error')).toContainText('A certificate ID has only digits');
  await page.goto('/renew?id=1&thumbprint=AB');
  await appReady(page);
  await expect(page.getByText('The link names both a certificate ID and a thumbprint')).toBeVisible();
});

test('seeded renewal on v25 sends the CA and enrollment pattern the user picked', async ({ page, sim, problems }) => {
  const consoleLines = recordConsole(page);
  await signIn(page, '/renew', 'helpdesk');
  await appReady(page);
  await page.getByLabel('By thumbprint').check();
  await page.getByRole('textbox', { name: 'Thumbprint' }).fill('not hex');
  await page.getByRole('textbox', { name: 'Thumbprint' }).blur();
  await expect(page.locator('#lookup-value-error')).toContainText('A thumbprint contains only 0-9 and A-F');
  await page.getByLabel('By certificate ID').check();
  await page.getByRole('textbox', { name: 'Certificate ID' }).fill('2');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await expect(page.locator('#renewal-plan')).toContainText('Seeded renewal');
  await (await renewButton(page)).click();
  await expect(page.locator('#renew-profile')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(page, 'seeded errors');
  await page.getByLabel('Enrollment pattern').selectOption({ label: 'Web Server (2 years)' });
  await page.getByLabel('Certificate authority').selectOption('ca02.keyexample.com\\CorpIssuingCA2');
  await (await renewButton(page)).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
  const renew = (await sim.requests()).find((r) => r.path === RENEW);
  expect(renew.body.CertificateAuthority).toBe('ca02.keyexample.com\\CorpIssuingCA2');
  expect(typeof renew.body.EnrollmentPatternId).toBe('number');
  expect(renew.body.Template).toBeUndefined();
  await expectSecretNowhere(page, consoleLines, await revealPassword(page));
});

test.describe('on Command 10', () => {
  test.use({ baseURL: async ({ anonV10URL }, use) => use(anonV10URL) });

  test('seeded renewal sends the template short name', async ({ page, sim, problems }) => {
    const consoleLines = recordConsole(page);
    await page.goto('/renew?id=2');
    await appReady(page);
    await page.getByLabel('Template').selectOption({ label: 'Web Server (2 years) (WebServer2y)' });
    await page.getByLabel('Certificate authority').selectOption('ca02.keyexample.com\\CorpIssuingCA2');
    await (await renewButton(page)).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
    const renew = (await sim.requests()).find((r) => r.path === RENEW);
    expect(renew.body).toMatchObject({ CertificateId: 2, Template: 'WebServer2y', CertificateAuthority: 'ca02.keyexample.com\\CorpIssuingCA2' });
    expect(renew.body.EnrollmentPatternId).toBeUndefined();
    await expectSecretNowhere(page, consoleLines, await revealPassword(page));
  });

  test('a pasted thumbprint is normalised and sent instead of the id', async ({ page, sim, problems }) => {
    const consoleLines = recordConsole(page);
    const certificate = await (await page.request.get('/KeyfactorAPI/Certificates/13', {
      headers: { 'x-keyfactor-requested-with': 'APIClient', 'x-keyfactor-api-version': '1' },
    })).json();
    const pasted = certificate.Thumbprint.toLowerCase().match(/../g).join(':');
    await page.goto('/renew');
    await appReady(page);
    await page.getByLabel('By thumbprint').check();
    await page.getByRole('textbox', { name: 'Thumbprint' }).fill(pasted);
    await page.getByRole('button', { name: 'Find certificate' }).click();
    await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
    await (await renewButton(page)).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
    const requests = await sim.requests();
    expect(requests.some((r) => r.path === `/KeyfactorAPI/Enrollment/AvailableRenewal/Thumbprint/${certificate.Thumbprint}`)).toBe(true);
    const renew = requests.find((r) => r.path === RENEW);
    expect(renew.body.Thumbprint).toBe(certificate.Thumbprint);
    expect(renew.body.CertificateId).toBeUndefined();
    await expectSecretNowhere(page, consoleLines, await revealPassword(page));
  });

  test('searching by common name lists matches with their expiry and lets the user pick one', async ({ page, problems }) => {
    await page.goto('/renew');
    await appReady(page);
    await page.getByLabel('By searching').check();
    await page.getByLabel('Common name contains').fill('web01');
    await page.getByRole('button', { name: 'Search' }).click();
    const results = page.getByRole('table', { name: /matching certificates/ });
    await expect(results.getByRole('rowheader', { name: 'web01.eu.keyexample.com' })).toBeVisible();
    await expect(results.getByRole('columnheader', { name: 'Days left' })).toBeVisible();
    await expectNoAxeViolations(page, 'search results');
    await results.getByRole('button', { name: 'Renew web01.eu.keyexample.com' }).click();
    await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  });

  test('keyboard only: search by SAN, pick, renew, reveal the password and replace', async ({ page, sim, problems }) => {
    await fastPolling(page);
    await page.goto('/renew');
    await appReady(page);
    const keys = page.keyboard;
    // The radio group: Tab lands on the chosen option, arrows move the choice.
    await tabTo(page, page.getByLabel('By certificate ID'));
    await keys.press('ArrowDown');
    await keys.press('ArrowDown');
    await expect(page.getByLabel('By searching')).toBeChecked();
    await tabTo(page, page.getByLabel('Subject alternative name contains'));
    await keys.type('web01.eu');
    await keys.press('Enter');
    const results = page.getByRole('table', { name: /matching certificates/ });
    const row = results.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'web01.eu.keyexample.com', exact: true }) });
    await tabTo(page, row.getByRole('button'));
    await keys.press('Enter');
    await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');

    await tabTo(page, page.getByRole('button', { name: 'Renew certificate' }));
    await keys.press('Enter');
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
    await tabTo(page, page.getByRole('button', { name: 'Reveal' }));
    await keys.press('Space');
    await expect(page.getByRole('button', { name: 'Reveal' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('#pfx-password-value')).not.toContainText('•');

    await tabTo(page, page.getByRole('button', { name: 'Replace in all 2 stores' }));
    await keys.press('Enter');
    const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
    await sim.advanceJobs(60_000);
    await expect(jobs.locator('.job-status')).toHaveText(['The job completed successfully.', 'The job completed successfully.'], { timeout: 10_000 });
    const search = (await sim.requests()).find((r) => r.path === '/KeyfactorAPI/Certificates');
    expect(decodeURIComponent(search.query.replaceAll('+', ' '))).toContain('pq.queryString=SAN -contains "web01.eu"');
    expect((await sim.requests()).filter((r) => r.method === 'POST')).toHaveLength(2);
  });

  test('Deploy installs the new certificate only in the ticked stores', async ({ page, sim, problems }) => {
    await page.goto('/renew?id=1');
    await appReady(page);
    await (await renewButton(page)).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
    await page.getByRole('button', { name: 'Deploy to the ticked stores' }).click();
    await expect(page.getByText('Tick at least one store to deploy to.')).toBeVisible();
    await page.getByLabel(/\/etc\/ssl\/certs\/web01\.pem/).check();
    await page.getByRole('button', { name: 'Deploy to the ticked stores' }).click();
    await expect(page.locator('table.successful-stores tbody tr')).toHaveCount(1);
    const deploy = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/Enrollment/PFX/Deploy');
    expect(deploy).toHaveLength(1);
    expect(deploy[0].body.Stores).toHaveLength(1);
    expect(deploy[0].body.Password.length).toBeGreaterThan(0);
  });

  test('Replace reports the stores it could not schedule', async ({ page, problems }) => {
    await page.goto('/renew?id=14');
    await appReady(page);
    await (await renewButton(page)).click();
    await page.getByRole('button', { name: 'Replace in its one store' }).click();
    await expect(page.locator('ul.failed-stores li')).toHaveCount(1);
    await expectNoAxeViolations(page, 'failed stores');
  });

  for (const [id, template, disposition, text] of [
    [5, 'CodeSigning', 'pending approval', 'approver'],
    [6, 'RestrictedServer', 'denied', 'refused'],
  ]) {
    test(`a ${disposition} renewal says what it means and shows no password`, async ({ page, problems }) => {
      await page.goto(`/renew?id=${id}`);
      await appReady(page);
      await expect(page.locator('#renewal-plan')).toContainText('Seeded renewal');
      await page.getByLabel('Template').selectOption(template);
      await page.getByLabel('Certificate authority').selectOption({ index: 1 });
      await (await renewButton(page)).click();
      await expect(page.getByRole('heading', { name: `Renewal result: ${disposition}` })).toBeFocused();
      await expect(page.locator('.renewal-result')).toContainText(text);
      await expect(page.locator('.renewal-result')).toContainText('Request ID');
      await expect(page.getByRole('button', { name: 'Reveal' })).toHaveCount(0);
      await expectNoAxeViolations(page, disposition);
    });
  }

  test('a timeout keeps the form and offers no automatic resend', async ({ page, sim, problems }) => {
    await page.route('**/config.json', (route) => route.fulfill({
      contentType: 'application/json', body: '{"request_timeout_ms": 1500}',
    }));
    await sim.fault({ method: 'POST', path: RENEW, kind: 'timeout' });
    await page.goto('/renew?id=1');
    await appReady(page);
    await (await renewButton(page)).click();
    await expect(page.getByRole('alert')).toContainText('did not answer within');
    await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
    await expect(await renewButton(page)).toBeEnabled();
    expect(await count(sim, 'POST', RENEW)).toBe(1);
  });

  test('a renewal whose answer was lost is found on retry instead of being sent twice', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(504);
    await sim.fault({ method: 'POST', path: RENEW, kind: 'lost_answer' });
    await page.goto('/renew?id=1');
    await appReady(page);
    await (await renewButton(page)).click();
    await expect(page.getByRole('alert')).toContainText('HTTP 504');
    await expect(page.getByText('Renewing again first looks for a certificate it issued since')).toBeVisible();

    await (await renewButton(page)).click();
    const notice = page.getByRole('status').filter({ hasText: 'had already renewed this certificate' });
    await expect(notice).toBeVisible();
    expect(await count(sim, 'POST', RENEW)).toBe(1);
    const search = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/Certificates').at(-1);
    expect(decodeURIComponent(search.query.replaceAll('+', ' '))).toMatch(/IssuedDN -eq ".*" AND Id -ne 1 AND ImportDate -ge/);
    await expectNoAxeViolations(page, 'already renewed');

    // The user may still want a second certificate: then, and only then, a second Renew goes out.
    await notice.getByRole('button', { name: 'Renew again anyway' }).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
    expect(await count(sim, 'POST', RENEW)).toBe(2);
  });

  test('a renewal turned away before reaching Keyfactor is sent again after the check finds nothing', async ({ page, sim, problems }) => {
    problems.allowedHttpStatuses.add(502);
    await sim.fault({ method: 'POST', path: RENEW, kind: 'status', status: 502 });
    await page.goto('/renew?id=1');
    await appReady(page);
    await (await renewButton(page)).click();
    await expect(page.getByRole('alert')).toContainText('502');
    await (await renewButton(page)).click();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
    const sent = (await sim.requests()).filter((r) => r.method === 'POST' && r.path === RENEW).map((r) => r.status);
    expect(sent).toEqual([502, 200]);
  });

  test('a double click sends exactly one renewal', async ({ page, sim, problems }) => {
    const consoleLines = recordConsole(page);
    await sim.fault({ method: 'POST', path: RENEW, kind: 'latency', delay_ms: 1000 });
    await page.goto('/renew?id=1');
    await appReady(page);
    const button = await renewButton(page);
    await button.dblclick();
    await expect(page.getByRole('button', { name: 'Renewing…' })).toBeDisabled();
    await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
    expect(await count(sim, 'POST', RENEW)).toBe(1);
    await expectSecretNowhere(page, consoleLines, await revealPassword(page));
  });
});

test('a sign-in page served in place of data raises the session notice; after Continue the lookup is retried', async ({ page, sim, problems }) => {
  await signIn(page, '/renew', 'helpdesk');
  await appReady(page);
  await sim.fault({ method: 'GET', path: '/KeyfactorAPI/Enrollment/AvailableRenewal/Id/1', kind: 'html' });
  await page.getByRole('textbox', { name: /^Certificate ID/ }).fill('1');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'Your sign-in session has expired' });
  await expect(banner).toBeVisible();
  await expect(page.getByText('answered with a web page instead of data')).toBeVisible();
  await expectNoAxeViolations(page, 'sign-in page for data');
  // Still signed in as far as the proxy is concerned: Continue finds data again and the notice goes.
  await banner.getByRole('button', { name: 'Continue' }).click();
  await expect(banner).toBeHidden();
  await page.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
});

test('a read-only user is told which permission is missing', async ({ page, problems }) => {
  problems.allowedHttpStatuses.add(403);
  await signIn(page, '/renew?id=1', 'auditor');
  await appReady(page);
  await (await renewButton(page)).click();
  await expect(page.getByRole('alert')).toContainText('You are not allowed to do this');
  await expect(page.getByRole('alert')).toContainText('Enroll PFX');
  await expectNoAxeViolations(page, '403');
});

test('an application owner is stopped clearly at what she may not do, and keeps her result', async ({ page, problems }) => {
  const consoleLines = recordConsole(page);
  problems.allowedHttpStatuses.add(403);
  // Her role's permissions are on certificate collection 3, which the link names; bob's 12 is not in it.
  await signIn(page, '/renew?id=12&collection=3', 'alice');
  await appReady(page);
  await expect(page.getByRole('alert')).toContainText('You are not allowed to do this');
  await expect(page.getByRole('alert')).toContainText('which is not in certificate collection 3');
  await expect(page.getByRole('alert')).toContainText('(asked within certificate collection 3)');
  await expect(page.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Change what to look up' }).click();
  // The form comes back as it was.
  await expect(page.getByRole('textbox', { name: 'Certificate ID' })).toHaveValue('12');
  await page.getByRole('textbox', { name: 'Certificate ID' }).fill('1');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await (await renewButton(page)).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
  // She may replace her certificate where it is installed, but not deploy it to stores of her choosing.
  await page.locator('.deploy-stores input[type=checkbox]').first().check();
  await page.getByRole('button', { name: 'Deploy to the ticked stores' }).click();
  await expect(page.getByRole('alert')).toContainText('You are not allowed to do this');
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  await expectNoAxeViolations(page, 'deploy refused');
  // After the error too, the password is only on the page.
  await expectSecretNowhere(page, consoleLines, await revealPassword(page));
});

test("the plan shows the certificate's history, newest first, and a renewal is in it the next time", async ({ page, sim }) => {
  await signIn(page, '/renew?id=1', 'helpdesk');
  await appReady(page);
  const history = page.getByRole('table', { name: "The certificate's history, newest first" });
  await expect(history.locator('tbody tr').last()).toContainText('Issued');
  const before = await history.locator('tbody tr').count();
  await expectNoAxeViolations(page, 'plan with history');

  await (await renewButton(page)).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  const newId = (await sim.requests()).find((r) => r.path === RENEW).response.KeyfactorId;
  await page.getByRole('button', { name: 'Renew another certificate' }).click();
  await page.getByRole('textbox', { name: /^Certificate ID/ }).fill('1');
  await page.getByRole('button', { name: 'Find certificate' }).click();
  await expect(history.locator('tbody tr')).toHaveCount(before + 1);
  await expect(history.locator('tbody tr').first()).toContainText(`Renewed as certificate ${newId}`);
  const reads = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/Certificates/1/History');
  expect(reads).toHaveLength(2);
  expect(new URLSearchParams(reads[0].query).get('SortField')).toBe('OperationStart');
});
