// Getting the certificate out as a file: after a renewal (the PEM chain, and the PFX that opens with the
// renewal's password) and from the plan of any certificate (a PFX password typed by the user, validated).
// Files come from memory; the PFX's password ends up in no storage, address or console line.
import { readFile } from 'node:fs/promises';
import {
  test, expect, signIn, appReady, expectNoAxeViolations, recordConsole, expectSecretNowhere,
} from './fixtures.mjs';

const DOWNLOAD = '/KeyfactorAPI/Certificates/Download';
const RECOVER = '/KeyfactorAPI/Certificates/Recover';

/** Clicks `button`, waits for the browser's download, returns its name and bytes. */
async function download(page, button) {
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  return { name: file.suggestedFilename(), bytes: await readFile(await file.path()) };
}

async function sent(sim, path) {
  return (await sim.requests()).filter((r) => r.method === 'POST' && r.path === path);
}

test('after a renewal: the new certificate with its chain as PEM, and its PFX with the renewal password', async ({ page, sim }) => {
  const consoleLines = recordConsole(page);
  await signIn(page, '/renew?id=1', 'helpdesk');
  await appReady(page);
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeVisible();
  const newId = (await sim.requests()).find((r) => r.path === '/KeyfactorAPI/Enrollment/Renew').response.KeyfactorId;
  const files = page.getByRole('region', { name: 'Get the new certificate as a file' });

  const pem = await download(page, files.getByRole('button', { name: 'Download certificate' }));
  expect(pem.name).toBe(`web01.eu.keyexample.com-${newId}.pem`);
  const blocks = pem.bytes.toString('utf8').match(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----/g);
  expect(blocks, 'the certificate, then its issuing CA').toHaveLength(2);
  const [asked] = await sent(sim, DOWNLOAD);
  expect(asked.headers['x-certificateformat']).toBe('PEM');
  expect(asked.body).toEqual({ CertID: newId, IncludeChain: true });
  await expect(files.getByRole('status')).toContainText(`${pem.name} was handed to your browser's downloads.`);

  await page.getByRole('button', { name: 'Reveal' }).click();
  const password = (await page.locator('#pfx-password-value').textContent()).trim();
  const pfx = await download(page, files.getByRole('button', { name: 'Download PFX (opens with the password above)' }));
  expect(pfx.name).toBe(`web01.eu.keyexample.com-${newId}.pfx`);
  const [recovered] = await sent(sim, RECOVER);
  expect(recovered.headers['x-certificateformat']).toBe('PFX');
  expect(recovered.body).toEqual({ Password: password, CertID: newId, IncludeChain: true });
  expect(pfx.bytes.equals(Buffer.from(recovered.response.PFX, 'base64'))).toBe(true);
  await expectNoAxeViolations(page, 'files after renewal');
  await expectSecretNowhere(page, consoleLines, password);
});

test('from the plan: a PFX password is typed, checked before anything is sent, and sent once', async ({ page, sim }) => {
  const consoleLines = recordConsole(page);
  await signIn(page, '/renew?id=1', 'helpdesk');
  await appReady(page);
  const files = page.getByRole('region', { name: 'Get the certificate as a file' });
  const field = page.getByLabel('Password for the PFX file');
  await field.fill('too short');
  await files.getByRole('button', { name: 'Download PFX' }).click();
  await expect(page.locator('#pfx-password-1-error')).toHaveText('Use at least 12 characters; this has 9.');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  expect(await sent(sim, RECOVER)).toHaveLength(0);

  const typed = 'correct horse battery staple';
  await field.fill(typed);
  const pfx = await download(page, files.getByRole('button', { name: 'Download PFX' }));
  expect(pfx.name).toBe('web01.eu.keyexample.com-1.pfx');
  const recovered = await sent(sim, RECOVER);
  expect(recovered).toHaveLength(1);
  expect(recovered[0].body.Password).toBe(typed);
  await expectSecretNowhere(page, consoleLines, typed);

  await files.getByLabel('Format').selectOption({ label: 'DER, certificate only (.cer)' });
  const der = await download(page, files.getByRole('button', { name: 'Download certificate' }));
  expect(der.name).toBe('web01.eu.keyexample.com-1.cer');
  expect(der.bytes[0]).toBe(0x30);
  expect((await sent(sim, DOWNLOAD))[0].body).toEqual({ CertID: 1, IncludeChain: false });
});

test('a refused key recovery says which permission is missing, and the chain download still works', async ({ page, problems }) => {
  problems.allowedHttpStatuses.add(403);
  // Auditors may read every certificate, and change or recover nothing.
  await signIn(page, '/renew?id=1', 'auditor');
  await appReady(page);
  const files = page.getByRole('region', { name: 'Get the certificate as a file' });
  await page.getByLabel('Password for the PFX file').fill('correct horse battery staple');
  await files.getByRole('button', { name: 'Download PFX' }).click();
  await expect(files.getByRole('alert')).toContainText('You are not allowed to do this');
  await expect(files.getByRole('alert')).toContainText('Certificates - Recover Private Key');
  await expect(files.getByRole('alert')).toContainText('the certificate with its chain can still be downloaded');
  const pem = await download(page, files.getByRole('button', { name: 'Download certificate' }));
  expect(pem.name).toBe('web01.eu.keyexample.com-1.pem');
  await expectNoAxeViolations(page, 'recovery refused');
});
