// Runs Debian's nginx in the foreground with the production configuration from deploy/nginx, in front of a
// simulator that plays both oauth2-proxy and Keyfactor Command. Started by playwright.config.mjs.
//
// Keyfactor is reached over TLS, verified as deploy/ verifies it: the simulator speaks plain HTTP, so a
// second server in this nginx terminates TLS in front of it with a certificate for keyfactor.example.internal
// issued by a throwaway CA made here with openssl (keys live in the prefix, which is deleted on exit). That
// terminator also adds what IIS adds (a cookie, an auth challenge, a banner), which deploy/ must hide.
//
// Three servers, loopback only:
//   NGINX_PORT           deploy/nginx as it is, trusting the test CA (certportal/keyfactor-ca.pem);
//   NGINX_WRONG_CA_PORT  the same, trusting another CA instead: every API call must fail closed (502);
//   NGINX_TLS_PORT       the TLS terminator in front of the simulator.
// The only difference from deploy/: the upstreams point at loopback ports (the simulator plays oauth2-proxy,
// handing nginx the user's access token in X-Auth-Request-Access-Token, as deploy/ configures it).
// The bundle is copied into the prefix (NGINX_PREFIX/www/certs), so tests may replace config.json there as an
// operator would, without touching the build.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = process.env;
const [port, wrongCaPort, tlsPort, simPort, dist, prefix] = [
  env.NGINX_PORT, env.NGINX_WRONG_CA_PORT, env.NGINX_TLS_PORT, env.NGINX_SIM_PORT, env.NGINX_DIST, env.NGINX_PREFIX,
];
if (!port || !wrongCaPort || !tlsPort || !simPort || !dist || !prefix) {
  throw new Error('NGINX_PORT, NGINX_WRONG_CA_PORT, NGINX_TLS_PORT, NGINX_SIM_PORT, NGINX_DIST and NGINX_PREFIX are required');
}

const deploy = resolve(dirname(fileURLToPath(import.meta.url)), '../deploy/nginx');
// Emptied first: Playwright may stop this process with SIGKILL, leaving no chance to clean up.
rmSync(prefix, { recursive: true, force: true });
mkdirSync(prefix, { recursive: true });
// nginx workers run as an unprivileged user: they must be able to walk into the prefix.
chmodSync(prefix, 0o755);
const at = (...parts) => join(prefix, ...parts);
const conf = at('certportal');
mkdirSync(conf);
mkdirSync(at('www'));
cpSync(resolve(dist), at('www', 'certs'), { recursive: true, dereference: true });

// --- a throwaway CA, Command's certificate from it, and an unrelated CA -------------------------------
const tls = at('tls');
mkdirSync(tls);
const openssl = (...args) => execFileSync('/usr/bin/openssl', args, { cwd: tls, stdio: ['ignore', 'ignore', 'pipe'] });
const newCa = (name, cn) => openssl(
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
  '-subj', `/CN=${cn}`, '-keyout', `${name}.key`, '-out', `${name}.pem`,
  '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
);
newCa('ca', 'certportal e2e test CA');
newCa('other-ca', 'certportal e2e other CA');
openssl(
  'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
  '-subj', '/CN=keyfactor.example.internal', '-keyout', 'server.key', '-out', 'server.csr',
);
writeFileSync(join(tls, 'server.ext'), [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=DNS:keyfactor.example.internal',
  'authorityKeyIdentifier=keyid',
  '',
].join('\n'));
openssl(
  'x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
  '-extfile', 'server.ext', '-out', 'server.pem',
);

// --- deploy/nginx, as it is -----------------------------------------------------------------------------
for (const file of ['certportal-http.conf', 'certportal-allowlist.conf', 'certportal-security-headers.conf']) {
  copyFileSync(join(deploy, file), join(conf, file));
}
// The operator's CA file: here, the test CA that issued the terminator's certificate.
copyFileSync(join(tls, 'ca.pem'), join(conf, 'keyfactor-ca.pem'));

const replaceOnce = (text, from, to, what) => {
  if (!text.includes(from)) throw new Error(`deploy/nginx/certportal-locations.conf no longer has ${what} (${from})`);
  return text.replace(from, to);
};
const locations = readFileSync(join(deploy, 'certportal-locations.conf'), 'utf8');
writeFileSync(join(conf, 'certportal-locations.conf'), locations);
// The same locations, trusting a CA that did not issue Command's certificate.
mkdirSync(at('certportal-wrong-ca'));
// Its own upstream: nginx keeps TLS sessions and keep-alive connections per upstream, so sharing one with the
// server above would let this one reuse connections that server verified.
writeFileSync(
  at('certportal-wrong-ca', 'certportal-locations.conf'),
  replaceOnce(
    replaceOnce(locations, 'proxy_ssl_trusted_certificate certportal/keyfactor-ca.pem;', 'proxy_ssl_trusted_certificate tls/other-ca.pem;', 'the trusted CA file'),
    'proxy_pass https://certportal_keyfactor/',
    'proxy_pass https://certportal_e2e_keyfactor_wrong_ca/',
    'the Keyfactor upstream',
  ),
);
writeFileSync(join(conf, 'certportal-upstreams.conf'), `
upstream certportal_oauth2_proxy { server 127.0.0.1:${simPort}; }
upstream certportal_keyfactor { server 127.0.0.1:${tlsPort}; keepalive 8; }
upstream certportal_e2e_keyfactor_wrong_ca { server 127.0.0.1:${tlsPort}; keepalive 8; }
`);

writeFileSync(at('nginx.conf'), `
daemon off;
worker_processes 1;
pid ${at('nginx.pid')};
error_log stderr error;
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${at('client_body')};
    proxy_temp_path ${at('proxy')};
    fastcgi_temp_path ${at('fastcgi')};
    uwsgi_temp_path ${at('uwsgi')};
    scgi_temp_path ${at('scgi')};
    include certportal/certportal-http.conf;

    server {
        listen 127.0.0.1:${port};
        root ${at('www')};
        access_log ${at('access.log')} certportal;
        include certportal/certportal-locations.conf;
    }

    server {
        listen 127.0.0.1:${wrongCaPort};
        root ${at('www')};
        include certportal-wrong-ca/certportal-locations.conf;
    }

    # Keyfactor Command as nginx reaches it: HTTPS with a certificate from the test CA, and IIS's extras.
    server {
        listen 127.0.0.1:${tlsPort} ssl;
        ssl_certificate tls/server.pem;
        ssl_certificate_key tls/server.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        location / {
            proxy_pass http://127.0.0.1:${simPort};
            proxy_set_header Host $host;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_read_timeout 180s;
            add_header Set-Cookie "ARRAffinity=e2e-upstream; Path=/; HttpOnly" always;
            add_header WWW-Authenticate "Negotiate" always;
            add_header X-Powered-By "ASP.NET" always;
        }
    }
}
`);

const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', at('nginx.conf')], { stdio: 'inherit' });
const stop = () => nginx.kill('SIGQUIT');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
nginx.on('exit', (code) => {
  rmSync(prefix, { recursive: true, force: true });
  process.exit(code ?? 0);
});
