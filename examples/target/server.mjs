#!/usr/bin/env node
// A small stand-in for the application the example checklist gates: the health endpoints and the
// X-Request-Id header that examples/enterprise-go-live.md checks. Standalone:
//   node examples/target/server.mjs [--port 8787] [--degrade db|scheduler|disk]
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const COMPONENTS = ['db', 'scheduler', 'disk'];

/**
 * Start the target. `degrade` names components that report "down", to watch a check fail.
 * Resolves to { port, url, close() }.
 */
export async function startTarget({ port = 0, host = '127.0.0.1', degrade = [] } = {}) {
  for (const c of degrade) {
    if (!COMPONENTS.includes(c)) throw new Error(`--degrade ${c}: use one of ${COMPONENTS.join(', ')}`);
  }
  const server = createServer((req, res) => {
    // Keep the caller's request id when it sends one, as a proxy chain expects.
    const requestId = req.headers['x-request-id'] || randomUUID();
    const send = (status, body) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        'x-request-id': requestId,
      });
      res.end(text);
    };
    const path = new URL(req.url ?? '/', 'http://target').pathname;
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'method not allowed' });
    if (path === '/api/health/live') return send(200, { status: 'ok' });
    if (path === '/api/health/ready') {
      const body = Object.fromEntries(COMPONENTS.map((c) => [c, degrade.includes(c) ? 'down' : 'ok']));
      return send(degrade.length > 0 ? 503 : 200, body);
    }
    return send(404, { error: `no route ${path}` });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  return {
    port: actual,
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      degrade: { type: 'string', multiple: true, default: [] },
    },
  });
  const target = await startTarget({ port: Number(values.port), degrade: values.degrade });
  console.log(`target listening on ${target.url} (Ctrl-C to stop)`);
  console.log(`  TARGET_PORT=${target.port} ./bin/gonogo run examples/enterprise-go-live.md --env local`);
  process.on('SIGINT', () => target.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => target.close().then(() => process.exit(0)));
}
