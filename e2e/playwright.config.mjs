// End-to-end tests: the release bundle served by the Keyfactor simulator with the production CSP.
// `cargo xtask test` sets KF_SIM_BIN and PORTAL_DIST; the simulators below are started and stopped here.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const sim = process.env.KF_SIM_BIN;
const dist = process.env.PORTAL_DIST;
const subPathDist = process.env.PORTAL_DIST_SUB_PATH;
if (!sim || !dist || !subPathDist) {
  throw new Error('Run the e2e tests through `cargo xtask test` (it sets KF_SIM_BIN and PORTAL_DIST*).');
}

// Loopback only; ports away from `cargo xtask demo`'s 8089. E2E_PORT_BASE lets two runs share a machine.
const portBase = Number(process.env.E2E_PORT_BASE ?? 18089);
export const SSO_V25 = `http://127.0.0.1:${portBase}`;
export const ANON_V10 = `http://127.0.0.1:${portBase + 1}`;
// Built with `--public-url /certs/` and served under that path, as behind a shared reverse proxy.
export const SUB_PATH = `http://127.0.0.1:${portBase + 2}`;
// deploy/'s nginx configuration serving the sub-path bundle, with a simulator behind it playing oauth2-proxy
// and Keyfactor Command.
export const NGINX = `http://127.0.0.1:${portBase + 3}`;
const nginxSimPort = portBase + 4;
export const NGINX_SIM = `http://127.0.0.1:${nginxSimPort}`;
// The simulators above answer with the shapes real Command servers were recorded sending (kf-sim's default
// `--wire recorded`, docs/observed/README.md); these two answer as Keyfactor's OpenAPI files read, for the
// `wire-spec` project.
export const SSO_V25_SPEC = `http://127.0.0.1:${portBase + 5}`;
export const ANON_V10_SPEC = `http://127.0.0.1:${portBase + 6}`;
// The same nginx configuration trusting another CA than the one that issued Command's certificate: every API
// call must fail closed. Behind both, nginx-front.mjs terminates TLS for the simulator on portBase + 8.
export const NGINX_WRONG_CA = `http://127.0.0.1:${portBase + 7}`;
const nginxTlsPort = portBase + 8;
// nginx-front.mjs's folder: the deployed copy of the sub-path bundle (www/certs, where tests replace
// config.json as an operator would) and the access log in deploy/'s `certportal` format.
export const NGINX_PREFIX = join(tmpdir(), `certportal-nginx-${portBase + 3}`);
export const NGINX_DEPLOYED = join(NGINX_PREFIX, 'www', 'certs');
export const NGINX_ACCESS_LOG = join(NGINX_PREFIX, 'access.log');
const resultsDir = process.env.E2E_RESULTS_DIR ?? 'test-results';

const server = (url, args, bundle = dist) => ({
  command: `"${sim}" --port ${new URL(url).port} --dist "${bundle}" ${args}`,
  url: `${url}/__sim/health`,
  reuseExistingServer: false,
  timeout: 60_000,
  stdout: 'ignore',
  stderr: 'ignore',
});

/** Debian's Chromium as root, with no background traffic (this machine reaches no outside network). */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run', '--disable-sync', '--disable-quic',
  ],
};

export default defineConfig({
  testDir: './tests',
  // The simulators keep state (jobs, faults, sessions): one worker keeps tests independent of each other.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 30_000,
  outputDir: resultsDir,
  reporter: [['list'], ['json', { outputFile: `${resultsDir}/results.json` }], ['./fault-matrix-reporter.mjs']],
  use: {
    baseURL: SSO_V25,
    trace: 'off',
    launchOptions: CHROMIUM,
  },
  projects: [
    // Every test, against the simulators in their default, recorded wire shapes.
    { name: 'recorded' },
    // The renewal and reenrollment flows again, against spec-literal answers. Its exchanges go to the same
    // contract directory as the recorded project's (the `sim` fixture writes them per Command major).
    {
      name: 'wire-spec',
      testMatch: ['renew.spec.mjs', 'reenroll.spec.mjs', 'revoke.spec.mjs', 'requests.spec.mjs'],
      // The main flows, each followed to its jobs' end, on v10 and v25: the fault and edge cases of the two
      // files do not depend on the wire shape and run once, in the recorded project.
      grep: new RegExp([
        'one-click renewal shows the plan', 'seeded renewal', 'keyboard only', 'Deploy installs',
        'Replace reports', 'a reenrollment that succeeds', 'a job that fails', 'a JKS store by deep link',
        'CompletedWillRetry is not the end', 'superseded:', 'the help desk approves it in another browser',
      ].join('|')),
      use: { baseURL: SSO_V25_SPEC, anonV10URL: ANON_V10_SPEC },
    },
  ],
  // Started in order: the simulator behind nginx comes up before nginx.
  webServer: [
    server(SSO_V25, '--api v25 --sso'),
    server(ANON_V10, '--api v10 --anonymous-user KEYEXAMPLE\\\\helpdesk'),
    {
      command: `"${sim}" --port ${nginxSimPort} --api v25 --sso --public-path /certs/`,
      url: `http://127.0.0.1:${nginxSimPort}/__sim/health`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      command: 'node nginx-front.mjs',
      env: {
        NGINX_PORT: String(portBase + 3),
        NGINX_WRONG_CA_PORT: String(portBase + 7),
        NGINX_TLS_PORT: String(nginxTlsPort),
        NGINX_SIM_PORT: String(nginxSimPort),
        NGINX_DIST: subPathDist,
        NGINX_PREFIX,
      },
      url: `${NGINX}/certs`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
    server(SUB_PATH, '--api v25 --public-path /certs/ --anonymous-user KEYEXAMPLE\\\\helpdesk', subPathDist),
    server(SSO_V25_SPEC, '--api v25 --sso --wire spec'),
    server(ANON_V10_SPEC, '--api v10 --anonymous-user KEYEXAMPLE\\\\helpdesk --wire spec'),
  ],
});
