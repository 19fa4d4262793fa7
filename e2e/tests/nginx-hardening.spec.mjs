// What deploy/nginx promises a security review, proved against it as shipped (e2e/nginx-front.mjs): only the
// portal's operations reach Command, Command's TLS certificate is verified, every answer carries HSTS and the
// CSP, upstream cookies and challenges stay behind, the access log names the user, the API is rate-limited,
// and config.json is the operator's file.
import { Agent, get as httpGet } from 'node:http';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { test, expect, appReady } from './fixtures.mjs';
import { NGINX, NGINX_SIM, NGINX_WRONG_CA, NGINX_DEPLOYED, NGINX_ACCESS_LOG } from '../playwright.config.mjs';

test.use({ baseURL: NGINX, simURL: NGINX_SIM });

const API = '/certs/KeyfactorAPI';
// What the portal sends with every call (the contract check reads the calls that reach the simulator).
const HEADERS = { Accept: 'application/json', 'x-keyfactor-requested-with': 'APIClient', 'X-Requested-With': 'XMLHttpRequest' };
const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
const HSTS = 'max-age=31536000; includeSubDomains';

/** Signs the request context in through the simulator's oauth2-proxy stand-in, behind nginx. */
async function signIn(request, user = 'helpdesk') {
  const response = await request.post('/oauth2/sign_in', { form: { user, rd: '/certs/' }, maxRedirects: 0 });
  expect(response.status()).toBe(302);
}

function expectSecurityHeaders(headers, what) {
  expect(headers['strict-transport-security'], what).toBe(HSTS);
  expect(headers['content-security-policy'], what).toBe(CSP);
  expect(headers['x-content-type-options'], what).toBe('nosniff');
  expect(headers['referrer-policy'], what).toBe('no-referrer');
  expect(headers['x-frame-options'], what).toBe('DENY');
}

/** nginx's own JSON answer: the status, `{"ErrorCode","Message"}`, JSON content type, no caching, the headers. */
async function expectProxyAnswer(response, status, what) {
  expect(response.status(), what).toBe(status);
  const headers = response.headers();
  expect(headers['content-type'], what).toBe('application/json');
  expect(headers['cache-control'], what).toBe('no-store');
  expectSecurityHeaders(headers, what);
  const body = await response.json();
  expect(Object.keys(body).sort(), what).toEqual(['ErrorCode', 'Message']);
  expect(body.ErrorCode, what).toBe(`PORTAL-PROXY-${status}`);
  return body;
}

test('calls outside the allow-list get 403 from nginx and never reach Command; the access log names the user', async ({ request, sim }) => {
  await signIn(request);
  const refused = [
    ['POST', `${API}/Certificates/Analyze`, { Certificate: 'MIIB' }],
    ['GET', `${API}/Security/Roles`],
    ['POST', `${API}/Certificates/Import`, { Certificate: 'MIIB', Password: 'e2e-not-a-secret' }],
    ['DELETE', `${API}/Certificates/1`],
    ['GET', `${API}/Certificates/1/Security`],
    ['GET', `${API}/Workflow/Instances/My`],
    // Other spellings and shapes of allowed operations are refused, not passed on.
    ['GET', `${API}/certificates/1`],
    ['GET', `${API}/Status/Endpoints/`],
    ['HEAD', `${API}/Status/Endpoints`],
    ['GET', `${API}/Status/Endpoints/..%2F..%2FSecurity%2FRoles`],
    ['GET', `${API}/CertificateStores/not-a-guid/Inventory`],
    ['GET', `${API}/Workflow/Certificates/Approve`],
    ['PUT', `${API}/Enrollment/Renew`, {}],
  ];
  for (const [method, path, data] of refused) {
    const response = await request.fetch(path, { method, headers: HEADERS, data, maxRedirects: 0 });
    if (method === 'HEAD') {
      expect(response.status(), `${method} ${path}`).toBe(403);
      continue;
    }
    const body = await expectProxyAnswer(response, 403, `${method} ${path}`);
    expect(body.Message).toContain('not an operation this portal uses');
  }
  // The simulator's request log records every API request it gets: none of the above.
  expect(await sim.requests()).toEqual([]);

  // An allowed call with the same session does reach it, through the verified TLS hop.
  const allowed = await request.get(`${API}/Status/Endpoints`, { headers: HEADERS });
  expect(allowed.status()).toBe(200);
  expect((await sim.requests()).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /KeyfactorAPI/Status/Endpoints']);

  // deploy/'s log_format: who called what, as oauth2-proxy named them; refusals before sign-in name nobody.
  // nginx writes an entry as it finishes the request, which may be just after the client has the answer.
  const lastEntry = (matches) => () => readFileSync(NGINX_ACCESS_LOG, 'utf8').trim().split('\n')
    .map((line) => JSON.parse(line)).findLast(matches);
  await expect.poll(lastEntry((entry) => entry.uri === `${API}/Status/Endpoints` && entry.status === 200))
    .toMatchObject({ user: 'KEYEXAMPLE\\helpdesk', email: 'helpdesk@keyexample.com', method: 'GET', upstream_status: '200' });
  await expect.poll(lastEntry((entry) => entry.uri === `${API}/Certificates/Analyze`))
    .toMatchObject({ method: 'POST', status: 403, user: '', upstream_status: '' });
});

test('the portal shows the allow-list refusal as a Keyfactor refusal', async ({ page, problems }) => {
  problems.allowedHttpStatuses.add(403);
  // As if the portal called an operation the proxy does not allow: its JobHistory call gets nginx's real answer
  // to a refused path.
  await page.route('**/KeyfactorAPI/OrchestratorJobs/JobHistory*', async (route) => {
    const response = await route.fetch({ url: `${NGINX}${API}/OrchestratorJobs/JobHistory/Purge` });
    await route.fulfill({ response });
  });
  await page.goto('/certs/jobs');
  await page.getByLabel(/helpdesk/i).check();
  await page.getByRole('button', { name: /sign in/i }).click();
  await appReady(page);
  await expect(page.getByText(/You are not allowed to do this: This request was not passed on to Keyfactor Command: it is not an operation this portal uses/)).toBeVisible();
});

test('Command is reached over verified TLS: its CA trusted it works, another CA trusted it fails closed (502)', async ({ request, sim }) => {
  await signIn(request);
  const trusted = await request.get(`${API}/Agents`, { headers: HEADERS });
  expect(trusted.status()).toBe(200);
  // What IIS adds for its own clients (the TLS terminator plays it) stays behind nginx.
  const headers = trusted.headers();
  for (const name of ['set-cookie', 'www-authenticate', 'x-powered-by']) expect(headers[name], name).toBeUndefined();
  expectSecurityHeaders(headers, 'API answer');
  expect(await sim.requests()).toHaveLength(1);

  // The same configuration trusting another CA: the session is valid (cookies know no port), the hop is not.
  for (const [method, path, data] of [
    ['GET', `${API}/Agents`],
    ['POST', `${API}/Enrollment/Renew`, { CertificateId: 1, Timestamp: '2026-01-01T00:00:00Z' }],
  ]) {
    const response = await request.fetch(`${NGINX_WRONG_CA}${path}`, { method, headers: HEADERS, data });
    const body = await expectProxyAnswer(response, 502, `${method} ${path} with an untrusted certificate`);
    expect(body.Message).toContain('could not verify its TLS certificate');
  }
  // Nothing went through the untrusted hop.
  expect(await sim.requests()).toHaveLength(1);
});

test('every answer carries HSTS and the CSP: app, config.json, assets, API, 401, 403, 404, redirects, sign-in', async ({ request, playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: NGINX });
  const check = async (context, path, status, options = {}) => {
    const response = await context.fetch(path, { maxRedirects: 0, ...options });
    expect(response.status(), path).toBe(status);
    expectSecurityHeaders(response.headers(), `${status} ${path}`);
    return response;
  };
  await check(anonymous, '/certs', 301);
  await check(anonymous, '/certs/renew', 302);
  await check(anonymous, '/oauth2/sign_in?rd=/certs/', 200);
  await check(anonymous, `${API}/Status/Endpoints`, 401, { headers: HEADERS });
  await check(anonymous, '/oauth2/auth', 404);
  await anonymous.dispose();

  await signIn(request);
  const index = await check(request, '/certs/', 200);
  await check(request, '/certs/expiring?days=30', 200);
  // The hashed files index.html names (its attributes may be unquoted: the build minifies it).
  const hashed = [...new Set([...(await index.text()).matchAll(/\/certs\/([\w.-]+-[0-9a-f]{8,16}(?:_bg)?\.(?:css|js|wasm|svg))/g)].map((m) => m[1]))];
  expect(hashed.length).toBeGreaterThanOrEqual(3);
  for (const asset of hashed) await check(request, `/certs/${asset}`, 200, { headers: { 'Accept-Encoding': 'br' } });
  const config = await check(request, '/certs/config.json', 200, { headers: { 'Accept-Encoding': 'br, gzip' } });
  expect(config.headers()['cache-control']).toBe('no-cache');
  expect(config.headers()['content-encoding']).toBeUndefined();
  await check(request, '/certs/missing-0123456789abcdef.js', 404);
  await check(request, `${API}/Status/Endpoints`, 200, { headers: HEADERS });
  await check(request, `${API}/Certificates/987654`, 404, { headers: HEADERS });
  await check(request, `${API}/Security/Roles`, 403, { headers: HEADERS });
});

test('the API is rate-limited per address: a burst beyond the busiest moment of the portal gets 429 JSON', async () => {
  // A loopback address of its own, so this test's bucket is not the one the other tests' requests use.
  const agent = new Agent({ keepAlive: true, maxSockets: 50, localAddress: '127.0.0.2' });
  const call = () => new Promise((resolve, reject) => {
    httpGet(`${NGINX}${API}/Status/Endpoints`, { agent, localAddress: '127.0.0.2', headers: HEADERS }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body }));
    }).on('error', reject);
  });
  const answers = await Promise.all(Array.from({ length: 250 }, call));
  agent.destroy();
  const limited = answers.filter((a) => a.status === 429);
  const passed = answers.filter((a) => a.status !== 429);
  // burst=100: at least that many pass at once (then to sign-in, which refuses them: no session).
  expect(passed.length).toBeGreaterThanOrEqual(100);
  expect(new Set(passed.map((a) => a.status))).toEqual(new Set([401]));
  expect(limited.length).toBeGreaterThan(0);
  const [first] = limited;
  expect(first.headers['content-type']).toBe('application/json');
  expect(first.headers['strict-transport-security']).toBe(HSTS);
  expect(first.headers['content-security-policy']).toBe(CSP);
  expect(JSON.parse(first.body).ErrorCode).toBe('PORTAL-PROXY-429');
});

test('config.json is the operator\'s: replaced in the deployed folder, the app follows it at once', async ({ page, problems }) => {
  // The release bundle ships no precompressed copy of it (xtask's precompression leaves it alone).
  for (const copy of ['config.json.br', 'config.json.gz']) {
    expect(existsSync(join(process.env.PORTAL_DIST_SUB_PATH, copy)), copy).toBe(false);
  }
  const file = join(NGINX_DEPLOYED, 'config.json');
  const original = readFileSync(file, 'utf8');
  try {
    // Even a stale precompressed copy left over from an older bundle must not be served instead.
    writeFileSync(`${file}.br`, brotliCompressSync(original));
    writeFileSync(`${file}.gz`, gzipSync(original));

    await page.goto('/certs/renew');
    await page.getByLabel(/helpdesk/i).check();
    await page.getByRole('button', { name: /sign in/i }).click();
    await appReady(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Renew a certificate' })).toBeVisible();

    // The operator switches to basic authentication: the next load asks for Keyfactor credentials.
    writeFileSync(file, JSON.stringify({ ...JSON.parse(original), auth: 'basic' }, null, 2));
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Sign in to Keyfactor Command' })).toBeVisible();

    // A broken file shows what is wrong, not a stale configuration.
    writeFileSync(file, '{ "auth": "proxy", ');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'The portal is not configured correctly' })).toBeVisible();
  } finally {
    writeFileSync(file, original);
    rmSync(`${file}.br`, { force: true });
    rmSync(`${file}.gz`, { force: true });
  }
});
