// Debian's nginx as a bench target: started on a free loopback port with its own temporary prefix and
// configuration, serving a small JSON file (the same body shape as server.mjs), stopped by `stop()`.
// Used by run.mjs and scheduler.mjs; other bench scripts may import it.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';

export const NGINX = '/usr/sbin/nginx';

/** A port free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function config(prefix, port) {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${prefix}/tmp/body;
  proxy_temp_path ${prefix}/tmp/proxy;
  fastcgi_temp_path ${prefix}/tmp/fastcgi;
  uwsgi_temp_path ${prefix}/tmp/uwsgi;
  scgi_temp_path ${prefix}/tmp/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {
    listen 127.0.0.1:${port};
    root ${prefix}/www;
    location / {
      default_type application/json;
      add_header x-request-id bench;
      try_files /item.json =404;
    }
  }
}
`;
}

/**
 * Start nginx; resolves to `{ url, stop() }` once it answers. Throws when nginx is not installed
 * (`apt-get install nginx`) or does not come up.
 */
export async function startNginx() {
  if (!existsSync(NGINX)) throw new Error(`${NGINX} is missing: apt-get install nginx`);
  for (let attempt = 1; ; attempt++) {
    const prefix = await mkdtemp(join(tmpdir(), 'gonogo-bench-nginx-'));
    await chmod(prefix, 0o755);
    await mkdir(join(prefix, 'www'), { recursive: true });
    await mkdir(join(prefix, 'tmp'), { recursive: true });
    await writeFile(join(prefix, 'www', 'item.json'), `${JSON.stringify({ ok: true, path: '/item' })}\n`);
    const port = await freePort();
    await writeFile(join(prefix, 'nginx.conf'), config(prefix, port));
    const child = spawn(
      NGINX,
      ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', join(prefix, 'error.log')],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      await rm(prefix, { recursive: true, force: true });
    };
    for (let i = 0; i < 100 && !exited; i++) {
      try {
        const res = await request(`${url}/item/0`);
        await res.body.text();
        if (res.statusCode === 200) return { url, stop, pid: child.pid };
      } catch {
        // not listening yet
      }
      await sleep(50);
    }
    await stop();
    if (attempt >= 3) throw new Error(`nginx did not start: ${stderr.trim()}`);
  }
}
