import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../src/checks/test-support/binaries.js';
import { CLI_FROM_SOURCES, runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';
import { type ServeProcess, startServe } from './watch-support.js';

/**
 * OpenTelemetry traces as a platform team's collector receives them: a local OTLP/HTTP receiver (JSON,
 * the exporter's protocol) started here, the real CLI and `gonogo serve` pointed at it with
 * OTEL_EXPORTER_OTLP_ENDPOINT. Spans carry the checklist, `deployment.environment.name`, kind, host and
 * status, nest (checks under their run), and never carry a secret.
 */

const PASSWORD = 'pw-trace-Secret-8c1f';
const TOKEN = 'sk_live_traceTOKEN0123456789';

interface OtlpSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

const dir = blockTempDir('gonogo-tracing-');
let receiver: Server;
let target: Server;
let endpoint: string;
let targetUrl: string;
const bodies: string[] = [];

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

function spans(): OtlpSpan[] {
  return bodies.flatMap((b) => {
    const req = JSON.parse(b) as {
      resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    return req.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  });
}

function attrs(span: OtlpSpan): Record<string, unknown> {
  return Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  endpoint = await listen(receiver);
  target = createServer((_req, res) => res.writeHead(200).end('ok'));
  targetUrl = await listen(target);
  const host = new URL(targetUrl).host;
  await writeFile(
    join(dir, 'traced.md'),
    `---
id: traced
environments:
  production: { BASE_URL: "http://deploy:\${API_PASSWORD}@${host}" }
---
# Traced
## Checks
- [ ] Health answers
  \`\`\`check
  http: \${BASE_URL}/health?token=\${API_TOKEN}
  \`\`\`
- [ ] Token is set
  \`\`\`check
  env: API_TOKEN
  \`\`\`
- [ ] Database reachable
  \`\`\`check
  tcp: \${DB_HOST}:5432
  \`\`\`
- [ ] Stays healthy
  \`\`\`check
  http: ${targetUrl}/ready
  hold: 2s
  every: 250ms
  \`\`\`
`,
  );
});

afterAll(async () => {
  await Promise.all([receiver, target].map((s) => new Promise((r) => (s ? s.close(r) : r(undefined)))));
});

describe('gonogo run with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('sends a run span with one child span per check, with their attributes and no secret', async () => {
    bodies.length = 0;
    const r = await runCli(['run', 'traced.md', '--env', 'production', '--db', join(dir, 'run.db')], {
      cwd: dir,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, API_PASSWORD: PASSWORD, API_TOKEN: TOKEN },
    });
    expect(r.code, r.stderr).toBe(1);
    // Flushed before exit: the spans are there when the process has ended.
    const all = spans();
    const run = all.find((s) => s.name === 'gonogo.run');
    expect(run).toBeDefined();
    expect(attrs(run!)).toMatchObject({
      'gonogo.checklist.id': 'traced',
      'deployment.environment.name': 'production',
      'gonogo.run.trigger': 'cli',
      'gonogo.verdict': 'NO-GO',
    });
    const checks = all.filter((s) => s.name === 'gonogo.check');
    expect(checks.map((s) => attrs(s)['gonogo.item.id']).sort()).toEqual([
      'checks/database-reachable',
      'checks/health-answers',
      'checks/stays-healthy',
      'checks/token-is-set',
    ]);
    for (const c of checks) {
      expect(c.parentSpanId).toBe(run!.spanId);
      expect(c.traceId).toBe(run!.traceId);
      expect(attrs(c)).toMatchObject({
        'gonogo.checklist.id': 'traced',
        'deployment.environment.name': 'production',
      });
    }
    const byItem = new Map(checks.map((c) => [attrs(c)['gonogo.item.id'], attrs(c)]));
    const port = Number(new URL(targetUrl).port);
    expect(byItem.get('checks/health-answers')).toMatchObject({
      'gonogo.check.kind': 'http',
      'gonogo.check.status': 'pass',
      'server.address': '127.0.0.1',
      'server.port': port,
    });
    expect(byItem.get('checks/token-is-set')).toMatchObject({
      'gonogo.check.kind': 'env',
      'gonogo.check.status': 'pass',
    });
    // DB_HOST is unset: the check cannot run, and its span says so.
    expect(byItem.get('checks/database-reachable')).toMatchObject({
      'gonogo.check.kind': 'tcp',
      'gonogo.check.status': 'error',
    });
    const raw = bodies.join('\n');
    for (const secret of [PASSWORD, TOKEN, 'deploy:', 'token=']) expect(raw).not.toContain(secret);
  }, 60_000);

  it('sends nothing when the variable is unset or the SDK is disabled', async () => {
    bodies.length = 0;
    for (const env of [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'true' }]) {
      const r = await runCli(['run', 'traced.md', '--env', 'production', '--db', join(dir, 'run.db')], {
        cwd: dir,
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: undefined, ...env, API_PASSWORD: PASSWORD, API_TOKEN: TOKEN },
      });
      expect(r.code, r.stderr).toBe(1);
    }
    expect(bodies).toEqual([]);
  }, 60_000);
});

describe('start-up, with and without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  /**
   * The modules a CLI process loads, as Node's module resolution hooks see them: the CLI runs from the
   * sources, where each source module and package is a module of its own (a build bundles them).
   */
  async function loadedModules(args: string[], env: Record<string, string | undefined>, code = 0) {
    const log = join(dir, `modules-${Math.random().toString(36).slice(2)}.log`);
    await writeFile(log, '');
    const hooks = `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  appendFileSync(log, r.url + '\\n');
  return r;
}
`;
    const register = join(dir, 'register-hooks.mjs');
    await writeFile(
      register,
      `import { register } from 'node:module';
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)}, { data: { log: ${JSON.stringify(log)} } });
`,
    );
    const r = await runCli(args, {
      cwd: dir,
      cli: CLI_FROM_SOURCES,
      env: { NODE_OPTIONS: `--import=${pathToFileURL(register).href}`, ...env },
    });
    expect(r.code, r.stderr).toBe(code);
    return (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  }
  const sdk = (urls: string[]) =>
    urls.filter((u) => /@opentelemetry\/(sdk-trace-base|exporter-trace-otlp-http|resources)\//.test(u));

  it('gonogo lint loads neither the OpenTelemetry SDK nor the exporter (only the no-op API)', async () => {
    const unset = await loadedModules(['lint', 'traced.md'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: undefined,
    });
    expect(unset.some((u) => u.includes('/src/app/bin.ts'))).toBe(true);
    expect(sdk(unset)).toEqual([]);
    expect(unset.some((u) => u.endsWith('/src/app/tracing.ts'))).toBe(false);
    // Nor when the variable is set: the SDK starts at the first span, and lint makes none.
    const set = await loadedModules(['lint', 'traced.md'], { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    expect(set.some((u) => u.endsWith('/src/engine/tracing-start.ts'))).toBe(true);
    expect(sdk(set)).toEqual([]);
    expect(set.some((u) => u.endsWith('/src/app/tracing.ts'))).toBe(false);
    // The same probe sees them load for a run, which makes spans.
    const run = await loadedModules(
      ['run', 'traced.md', '--env', 'production', '--db', join(dir, 'probe.db')],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        API_PASSWORD: PASSWORD,
        API_TOKEN: TOKEN,
      },
      1, // NO-GO: the target's checks fail (see above)
    );
    expect(sdk(run).length).toBeGreaterThan(0);
  }, 60_000);
});

describe('gonogo serve with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let serve: ServeProcess | undefined;
  afterAll(async () => {
    await serve?.stop();
  });

  it('sends a span per preflight (its run nested inside) and per scheduled sample', async () => {
    bodies.length = 0;
    const db = join(dir, 'serve.db');
    const created = await runCli(['token', 'create', '--name', 'ci', '--role', 'operator', '--db', db], {
      cwd: dir,
    });
    expect(created.code, created.stderr).toBe(0);
    // The scheduled checklist samples its window; the preflight asks for another one, whose run (not
    // shared with a scheduled run in flight) is the preflight's own.
    const text = await readFile(join(dir, 'traced.md'), 'utf8');
    await writeFile(join(dir, 'traced.md'), text.replace('id: traced', 'id: traced\nschedule: 1h'));
    await writeFile(join(dir, 'asked.md'), text.replace('id: traced', 'id: asked'));
    serve = await startServe({
      dir,
      db,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        API_PASSWORD: PASSWORD,
        API_TOKEN: TOKEN,
      },
    });
    const res = await fetch(`${serve.url}/api/v1/checklists/asked/preflight?env=production&max_age=0s`, {
      headers: { authorization: `Bearer ${created.stdout.trim()}` },
    });
    expect(res.status).toBe(200);
    const preflight = await waitFor('a preflight span', async () =>
      spans().find((s) => s.name === 'gonogo.preflight'),
    );
    expect(attrs(preflight)).toMatchObject({
      'gonogo.checklist.id': 'asked',
      'deployment.environment.name': 'production',
      'gonogo.preflight.ran_checks': true,
    });
    const run = await waitFor('the preflight run span', async () =>
      spans().find((s) => s.name === 'gonogo.run' && s.parentSpanId === preflight.spanId),
    );
    expect(attrs(run)['gonogo.run.trigger']).toBe('api');
    const sample = await waitFor('a scheduled sample span', async () =>
      spans().find((s) => s.name === 'gonogo.sample'),
    );
    expect(attrs(sample)).toMatchObject({
      'gonogo.checklist.id': 'traced',
      'deployment.environment.name': 'production',
      'gonogo.sample.items': 1,
    });
    const sampled = await waitFor('the sample check span', async () =>
      spans().find((s) => s.name === 'gonogo.check' && s.parentSpanId === sample.spanId),
    );
    expect(attrs(sampled)).toMatchObject({ 'gonogo.check.kind': 'http', 'gonogo.check.status': 'pass' });
    const raw = bodies.join('\n');
    for (const secret of [PASSWORD, TOKEN]) expect(raw).not.toContain(secret);
  }, 90_000);
});
