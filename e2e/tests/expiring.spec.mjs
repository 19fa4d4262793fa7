// "Expiring soon": the list pages through GET /Certificates until a short page, follows the
// help-desk link's window and filter, reads the renewal type for the shown rows only, and opens the
// renewal flow for a row.
import { readFile } from 'node:fs/promises';
import { test, expect, appReady, expectNoAxeViolations } from './fixtures.mjs';
import { ANON_V10 } from '../playwright.config.mjs';

test.use({ baseURL: ANON_V10 });

const calls = async (sim, suffix) => (await sim.requests()).filter((r) => r.method === 'GET' && r.path.endsWith(suffix));

test('40 expiring certificates: read page by page, filtered by the link, renewal types for shown rows only', async ({ page, sim, problems }) => {
  await sim.seedExpiring(40);
  await page.goto('/expiring?days=90&q=.expiring.');
  await appReady(page);
  const table = page.getByRole('table', { name: /certificates expiring in the next 90 days/ });
  await expect(table.locator('caption')).toHaveText('40 certificates expiring in the next 90 days, soonest first');
  await expect(table.locator('tbody tr')).toHaveCount(25);

  // Pages of 25 (v10 spelling) until a short one: every page but the last is full.
  const pages = await calls(sim, '/KeyfactorAPI/Certificates');
  const numbers = pages.map((r) => Number(new URLSearchParams(r.query).get('pq.pageReturned')));
  expect(numbers).toEqual(numbers.map((_, i) => i + 1));
  expect(pages.slice(0, -1).every((r) => r.response.length === 25)).toBe(true);
  expect(pages.at(-1).response.length).toBeLessThan(25);
  expect(decodeURIComponent(pages[0].query.replaceAll('+', ' '))).toMatch(/NotAfter -ge ".*" AND NotAfter -le ".*"/);

  // Soonest first, and the renewal type read for the 25 shown rows, not for the rest.
  const left = (await table.locator('tbody tr td:nth-child(6)').allTextContents()).map(Number);
  expect([...left].sort((a, b) => a - b)).toEqual(left);
  await expect(table.getByText('Reading…')).toHaveCount(0);
  await expect(table.getByText('One-click').first()).toBeVisible();
  const lookups = (await sim.requests()).filter((r) => r.path.includes('/Enrollment/AvailableRenewal/Id/'));
  expect(lookups).toHaveLength(25);
  await expect(page.getByRole('img', { name: /Expiries per week/ })).toBeVisible();
  await expectNoAxeViolations(page, 'expiring list');

  await page.getByRole('button', { name: /^Show more/ }).click();
  await expect(table.locator('tbody tr')).toHaveCount(40);
  await expect(table.getByText('Reading…')).toHaveCount(0);
  expect((await sim.requests()).filter((r) => r.path.includes('/Enrollment/AvailableRenewal/Id/'))).toHaveLength(40);

  // The same link reproduces the same view.
  await page.reload();
  await appReady(page);
  await expect(table.locator('caption')).toHaveText('40 certificates expiring in the next 90 days, soonest first');

  // A row's Renew opens the renewal flow for it.
  const first = table.locator('tbody tr').first();
  const name = await first.locator('th').textContent();
  await first.getByRole('link', { name: `Renew ${name}` }).click();
  await expect(page).toHaveURL(/\/renew\?id=\d+$/);
  await expect(page.locator('#renewal-plan')).toBeVisible();
});

test('the filter form rewrites the address, and a bad link window is explained', async ({ page, sim, problems }) => {
  await sim.seedExpiring(40);
  await page.goto('/expiring?days=soon');
  await appReady(page);
  await expect(page.getByRole('alert')).toContainText("The link's expiry window");
  await page.getByLabel('Expiring within').selectOption('7');
  await page.getByLabel('Name contains').fill('svc0');
  await page.getByRole('button', { name: 'Show certificates' }).click();
  await expect(page).toHaveURL(/\/expiring\?days=7&q=svc0$/);
  const table = page.getByRole('table', { name: /certificates expiring in the next 7 days/ });
  await expect(table.locator('tbody tr').first()).toBeVisible();
  const names = await table.locator('tbody th').allTextContents();
  expect(names.length).toBeGreaterThan(0);
  expect(names.every((n) => n.startsWith('svc0'))).toBe(true);

  await page.getByLabel('Or expiring by (YYYY-MM-DD)').fill('1999-01-01');
  await page.getByRole('button', { name: 'Show certificates' }).click();
  await expect(page.locator('#expiring-until-error')).toContainText('Choose a date from today on.');
  await expect(page).toHaveURL(/days=7/);
});

/** A small RFC 5545 reader: CRLF lines of at most 75 octets, unfolded, split into events of name → value. */
function readCalendar(text) {
  expect(text.endsWith('\r\n')).toBe(true);
  const physical = text.slice(0, -2).split('\r\n');
  for (const line of physical) expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(75);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  const lines = text.replace(/\r\n /g, '').split('\r\n').filter(Boolean);
  expect(lines[0]).toBe('BEGIN:VCALENDAR');
  expect(lines.at(-1)).toBe('END:VCALENDAR');
  expect(lines).toContain('VERSION:2.0');
  const events = [];
  let event = null;
  let inAlarm = false;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') event = {};
    else if (line === 'END:VEVENT') events.push(event);
    else if (line === 'BEGIN:VALARM') inAlarm = true;
    else if (line === 'END:VALARM') { inAlarm = false; event.alarm = true; }
    else if (event && !inAlarm) event[line.slice(0, line.search(/[:;]/))] = line.slice(line.indexOf(':') + 1);
  }
  return events;
}

test('the shown rows go to a calendar: one all-day event each, linking back to its renewal page', async ({ page, sim }) => {
  await sim.seedExpiring(30);
  await page.goto('/expiring?days=90&q=.expiring.');
  await appReady(page);
  const table = page.getByRole('table', { name: /certificates expiring in the next 90 days/ });
  await expect(table.locator('tbody tr')).toHaveCount(25);
  const button = page.getByRole('button', { name: 'Add the 25 shown expiry dates to a calendar (.ics)' });
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  expect(file.suggestedFilename()).toBe('certificate-expiry.ics');
  const events = readCalendar((await readFile(await file.path())).toString('utf8'));
  expect(events).toHaveLength(25);
  expect(new Set(events.map((e) => e.UID)).size).toBe(25);
  const names = await table.locator('tbody tr th').allTextContents();
  for (const [i, event] of events.entries()) {
    expect(event.DTSTART).toMatch(/^\d{8}$/);
    expect(event.alarm).toBe(true);
    expect(event.URL).toMatch(new RegExp(`^${ANON_V10}/renew\\?id=\\d+$`));
    expect(event.SUMMARY).toBe(`Certificate ${names[i].trim()} expires`);
  }
  await expect(page.getByRole('status').filter({ hasText: 'certificate-expiry.ics with 25 expiry dates' })).toBeVisible();
  // The link opens that certificate's renewal.
  await page.goto(events[0].URL);
  await expect(page.locator('#renewal-plan')).toBeVisible();
});
