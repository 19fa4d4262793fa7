// Certificate collections: alice's role holds its certificate permissions on collection 3 only (the simulator's
// "Application Owners"), as Command grants them per collection. Keyfactor refuses her unless the requests name
// the collection (`collectionId`), which the portal sends when the link it was opened with says `?collection=3`.
import { test, expect, signIn, appReady, expectNoAxeViolations, fastPolling } from './fixtures.mjs';

/** The operations whose spec takes `collectionId`, and the only ones the portal may send it on. */
const COLLECTION_AWARE = [
  ['GET', /^\/KeyfactorAPI\/Certificates$/],
  ['GET', /^\/KeyfactorAPI\/Certificates\/\d+$/],
  ['GET', /^\/KeyfactorAPI\/Certificates\/\d+\/History$/],
  ['GET', /^\/KeyfactorAPI\/Enrollment\/AvailableRenewal\/(Id|Thumbprint)\/[^/]+$/],
  ['POST', /^\/KeyfactorAPI\/Enrollment\/Renew$/],
];
const isCollectionAware = (r) => COLLECTION_AWARE.some(([method, path]) => r.method === method && path.test(r.path));
/** Every `collectionId` value a logged request carried. */
const collectionIds = (r) => new URLSearchParams(r.query ?? '').getAll('collectionId');

/** Searches the renew page by common name. */
async function searchCommonName(page, text) {
  await page.getByLabel('By searching').check();
  await page.getByLabel('Common name contains').fill(text);
  await page.getByRole('button', { name: 'Search' }).click();
}

test('without her collection alice is refused, and told to open the portal with the collection\'s link', async ({ page, sim, problems }) => {
  problems.allowedHttpStatuses.add(403);
  await signIn(page, '/renew', 'alice');
  await appReady(page);
  await expect(page.locator('.collection-note')).toHaveCount(0);
  await searchCommonName(page, 'web01');
  const refusal = page.getByRole('alert').filter({ hasText: 'You are not allowed to do this' });
  await expect(refusal).toContainText('User KEYEXAMPLE\\alice does not have any of the required permissions: Certificates - Read');
  await expect(refusal).toContainText("open the portal with that collection's link (ending in ?collection=<its number>)");
  await expectNoAxeViolations(page, 'refused without a collection');
  const searches = (await sim.requests()).filter((r) => r.path === '/KeyfactorAPI/Certificates');
  expect(searches.length).toBeGreaterThan(0);
  expect(searches.every((r) => r.status === 403 && collectionIds(r).length === 0)).toBe(true);
});

test('with ?collection=3 alice sees the collection in the header and renews and replaces within it', async ({ page, sim, problems }) => {
  await fastPolling(page);
  await signIn(page, '/renew?collection=3', 'alice');
  await appReady(page);
  await expect(page.locator('.collection-note')).toHaveText('Certificate collection 3');
  // The search reaches only her certificates: bob's web02 is not in collection 3.
  await searchCommonName(page, 'web0');
  const results = page.getByRole('table', { name: /matching certificates/ });
  await expect(results.getByRole('rowheader', { name: 'web01.eu.keyexample.com' })).toBeVisible();
  await expect(results.getByRole('rowheader', { name: 'web05.ap.keyexample.com' })).toBeVisible();
  await expect(results.getByRole('rowheader', { name: 'web02.eu.keyexample.com' })).toHaveCount(0);
  await results.getByRole('button', { name: 'Renew web01.eu.keyexample.com' }).click();
  await expect(page.locator('#renewal-plan')).toContainText('One-click renewal');
  await page.getByRole('button', { name: 'Renew certificate' }).click();
  await expect(page.getByRole('heading', { name: 'Renewal result: issued' })).toBeFocused();
  await page.getByRole('button', { name: 'Replace in all 2 stores' }).click();
  const jobs = page.getByRole('table', { name: /Installation jobs, one per store/ });
  await expect(jobs.locator('tbody tr')).toHaveCount(2);
  await sim.advanceJobs(60_000);
  await expect(jobs.locator('.job-status')).toHaveText(['The job completed successfully.', 'The job completed successfully.'], { timeout: 10_000 });
  await expect(page.locator('.collection-note')).toHaveText('Certificate collection 3');
  await expectNoAxeViolations(page, 'replaced within collection 3');

  const requests = await sim.requests();
  expect(requests.every((r) => r.status >= 200 && r.status < 300), JSON.stringify(requests.filter((r) => r.status >= 300).map((r) => `${r.method} ${r.path} ${r.status}`))).toBe(true);
  const aware = requests.filter(isCollectionAware);
  const others = requests.filter((r) => !isCollectionAware(r));
  // The search, the certificate, its renewal type and the renewal itself were all asked within collection 3…
  for (const [method, path] of COLLECTION_AWARE.filter(([, p]) => !p.source.includes('Thumbprint'))) {
    expect(aware.some((r) => r.method === method && path.test(r.path)), `${method} ${path}`).toBe(true);
  }
  for (const r of aware) expect(collectionIds(r), `${r.method} ${r.path}?${r.query}`).toEqual(['3']);
  // …and nothing else named a collection (Replace, stores, agents, jobs, the enrollment context).
  expect(others.some((r) => r.path === '/KeyfactorAPI/Enrollment/PFX/Replace')).toBe(true);
  for (const r of others) expect(collectionIds(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
});

test('a link whose collection is not a number is not used, and says so', async ({ page, sim, problems }) => {
  problems.allowedHttpStatuses.add(403);
  await signIn(page, '/renew?collection=abc', 'alice');
  await appReady(page);
  const notice = page.locator('.collection-note[role=alert]');
  await expect(notice).toHaveText('The link\'s certificate collection was not used: A certificate collection is a number such as 12, not "abc".');
  await expect(page.getByText(/^Certificate collection \d+$/)).toHaveCount(0);
  await expectNoAxeViolations(page, 'unusable collection in the link');
  await searchCommonName(page, 'web01');
  await expect(page.getByRole('alert').filter({ hasText: 'You are not allowed to do this' })).toContainText('?collection=<its number>');
  const requests = await sim.requests();
  expect(requests.length).toBeGreaterThan(0);
  for (const r of requests) expect(collectionIds(r), `${r.method} ${r.path}?${r.query}`).toEqual([]);
});
