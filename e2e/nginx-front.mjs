// Runs Debian's nginx in the foreground with the production configuration from deploy/nginx, in front of a
// simulator that plays both oauth2-proxy and Keyfactor Command. Started by playwright.config.mjs.
// The only differences from deploy/: the upstreams point at loopback ports, and Keyfactor is reached over
// plain HTTP (the simulator does not speak TLS).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const [port, simPort, dist] = [process.env.NGINX_PORT, process.env.NGINX_SIM_PORT, process.env.NGINX_DIST];
if (!port || !simPort || !dist) throw new Error('NGINX_PORT, NGINX_SIM_PORT and NGINX_DIST are required');

const deploy = resolve(dirname(fileURLToPath(import.meta.url)), '../deploy/nginx');
// One prefix per port, emptied first: Playwright may stop this process with SIGKILL, leaving no chance to clean up.
const prefix = join(tmpdir(), `certportal-nginx-${port}`);
rmSync(prefix, { recursive: true, force: true });
mkdirSync(prefix);
// nginx workers run as an unprivileged user: they must be able to walk into the prefix.
chmodSync(prefix, 0o755);
const conf = join(prefix, 'certportal');
mkdirSync(conf);
mkdirSync(join(prefix, 'www'));
symlinkSync(resolve(dist), join(prefix, 'www', 'certs'));

copyFileSync(join(deploy, 'certportal-security-headers.conf'), join(conf, 'certportal-security-headers.conf'));
const locations = readFileSync(join(deploy, 'certportal-locations.conf'), 'utf8');
const plainHttp = locations.replace('proxy_pass https://certportal_keyfactor/', 'proxy_pass http://certportal_keyfactor/');
if (plainHttp === locations) throw new Error('deploy/nginx/certportal-locations.conf no longer proxies https://certportal_keyfactor/');
writeFileSync(join(conf, 'certportal-locations.conf'), plainHttp);
writeFileSync(join(conf, 'certportal-upstreams.conf'), `
upstream certportal_oauth2_proxy { server 127.0.0.1:${simPort}; }
upstream certportal_keyfactor { server 127.0.0.1:${simPort}; keepalive 8; }
`);
const temp = (name) => join(prefix, name);
writeFileSync(join(prefix, 'nginx.conf'), `
daemon off;
worker_processes 1;
pid ${temp('nginx.pid')};
error_log stderr warn;
load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;
events { worker_connections 128; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path ${temp('client_body')};
    proxy_temp_path ${temp('proxy')};
    fastcgi_temp_path ${temp('fastcgi')};
    uwsgi_temp_path ${temp('uwsgi')};
    scgi_temp_path ${temp('scgi')};
    include certportal/certportal-upstreams.conf;
    server {
        listen 127.0.0.1:${port};
        root ${join(prefix, 'www')};
        include certportal/certportal-locations.conf;
    }
}
`);

const nginx = spawn('/usr/sbin/nginx', ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'inherit' });
const stop = () => nginx.kill('SIGQUIT');
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
nginx.on('exit', (code) => {
  rmSync(prefix, { recursive: true, force: true });
  process.exit(code ?? 0);
});
