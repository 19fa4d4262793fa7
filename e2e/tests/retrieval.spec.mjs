// Getting the certificate out as a file: after a renewal (the PEM chain, and the PFX that opens with the
// renewal's password) and from the plan of any certificate (a PFX password typed by the user, validated).
// Files come from memory; the PFX's password ends up in no storage, address or console line.
// The simulator's files are real X.509 / PKCS#12, so the checks open them as a user's tools would.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate } from 'node:crypto';
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

/** The certificates of a PEM text, in order. */
function pemCertificates(text) {
  return (text.match(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----/g) ?? [])
    .map((block) => new X509Certificate(block));
}

/** A certificate's SHA-1 as Command prints a thumbprint (upper-case hex, no colons). */
const thumbprintOf = (certificate) => certificate.fingerprint.replaceAll(':', '');

/**
 * Opens a PKCS#12 file as OpenSSL 3 does (no legacy provider), the password passed through the
 * environment rather than the command line; returns its private key and certificates, or throws.
 * OpenSSL rather than a JavaScript PKCS#12 library: it is what users open PFX files with, it proves
 * the file needs no legacy algorithms, and it adds no dependency.
 */
function openPfx(bytes, password) {
  const text = execFileSync('openssl', ['pkcs12', '-nodes', '-passin', 'env:PFX_PASSWORD'], {
    input: bytes,
    env: { ...process.env, PFX_PASSWORD: password },
    stdio: ['pipe', 'pipe', 'pipe'],
  }).toString('utf8');
  const key = text.match(/-----BEGIN PRIVATE KEY-----\n[A-Za-z0-9+/=\n]+-----END PRIVATE KEY-----/);
  return { key: key && createPrivateKey(key[0]), certificates: pemCertificates(text) };
}

/** The PFX opens with `password` (and not with another) and holds `leaf`, its key, and `chain`. */
function expectPfxOf(bytes, password, leaf, chain) {
  expect(() => openPfx(bytes, `${password}-wrong`), 'a wrong password is refused').toThrow();
  const opened = openPfx(bytes, password);
  expect(opened.certificates.map((c) => c.raw.toString('base64')))
    .toEqual([leaf, ...chain].map((c) => c.raw.toString('base64')));
  expect(opened.key, 'the private key').toBeTruthy();
  expect(leaf.checkPrivateKey(opened.key), 'the key is the certificate\'s').toBe(true);
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
  const renewed = (await sim.requests()).find((r) => r.path === '/KeyfactorAPI/Enrollment/Renew').response;
  const newId = renewed.KeyfactorId;
  const files = page.getByRole('region', { name: 'Get the new certificate as a file' });

  const pem = await download(page, files.getByRole('button', { name: 'Download certificate' }));
  expect(pem.name).toBe(`web01.eu.keyexample.com-${newId}.pem`);
  const chain = pemCertificates(pem.bytes.toString('utf8'));
  expect(chain, 'the certificate, then its issuing CA').toHaveLength(2);
  const [leaf, ca] = chain;
  expect(thumbprintOf(leaf), 'the renewed certificate').toBe(renewed.Thumbprint);
  expect(leaf.subject).toContain('CN=web01.eu.keyexample.com');
  expect(leaf.issuer).toBe(ca.subject);
  expect(leaf.checkIssued(ca)).toBe(true);
  expect(leaf.verify(ca.publicKey), 'signed by its CA').toBe(true);
  expect(ca.verify(ca.publicKey), 'a self-signed CA').toBe(true);
  const shown = page.locator('dl.facts dt:text-is("Thumbprint") + dd');
  expect(thumbprintOf(leaf), 'the thumbprint the result shows').toBe((await shown.textContent()).trim());
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
  expectPfxOf(pfx.bytes, password, leaf, [ca]);
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
  // The thumbprint Command reported when the plan was read.
  const read = (await sim.requests()).find((r) => r.method === 'GET' && r.response?.Thumbprint);
  const opened = openPfx(pfx.bytes, typed);
  expect(recovered[0].body.IncludeChain).toBe(true);
  const [leaf, ca] = opened.certificates;
  expect(opened.certificates, 'the certificate, then its issuing CA').toHaveLength(2);
  expect(thumbprintOf(leaf)).toBe(read.response.Thumbprint);
  expect(leaf.verify(ca.publicKey)).toBe(true);
  expect(leaf.checkPrivateKey(opened.key)).toBe(true);

  await files.getByLabel('Format').selectOption({ label: 'DER, certificate only (.cer)' });
  const der = await download(page, files.getByRole('button', { name: 'Download certificate' }));
  expect(der.name).toBe('web01.eu.keyexample.com-1.cer');
  expect(thumbprintOf(new X509Certificate(der.bytes))).toBe(read.response.Thumbprint);
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
