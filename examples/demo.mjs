#!/usr/bin/env node
// `npm run demo`: a real `gonogo run` of examples/enterprise-go-live.md against a local target.
// Needs only Node and the built CLI (npm ci builds it); PostgreSQL is used when it happens to run locally.
//   npm run demo                    # everything the machine can check passes; manual items keep NO-GO
//   npm run demo -- --degrade db    # the target reports its database down: watch a check fail
//   npm run demo -- --format markdown
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startTarget } from './target/server.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const BIN = join(ROOT, 'bin', 'gonogo');
const CHECKLIST = 'examples/enterprise-go-live.md';
// Kept between runs, so attestations and sign-offs you add show up the next time.
const DEMO_DIR = join(ROOT, '.gonogo', 'demo');
const DB = join(DEMO_DIR, 'gonogo.db');
const POSTGRES = { host: '127.0.0.1', port: 5432, url: 'postgres://postgres@127.0.0.1:5432/postgres' };

const { values } = parseArgs({
  options: {
    degrade: { type: 'string', multiple: true, default: [] },
    format: { type: 'string', default: 'text' },
  },
});

const say = (text = '') => process.stdout.write(`${text}\n`);
const rel = (p) => relative(process.cwd(), p) || '.';

function reachable({ host, port }) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** Run the CLI; `capture` collects stdout instead of showing it. */
function gonogo(args, env, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', capture ? 'ignore' : 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** A JUnit report such as the E2E job of a pipeline leaves behind: 42 tests, all green. */
function e2eReport() {
  const cases = Array.from(
    { length: 42 },
    (_, i) => `    <testcase classname="e2e.checkout" name="scenario ${i + 1}" time="0.${100 + i}"/>`,
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<testsuites tests="42" failures="0" errors="0">',
    '  <testsuite name="e2e" tests="42" failures="0" errors="0" skipped="0">',
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

if (!existsSync(join(ROOT, 'dist', 'app', 'main.js'))) {
  say('The CLI is not built yet: run `npm ci` (or `npm run build`) first, then `npm run demo` again.');
  process.exit(2);
}

await mkdir(join(DEMO_DIR, 'backups'), { recursive: true });
await writeFile(join(DEMO_DIR, 'e2e-junit.xml'), e2eReport());
const target = await startTarget({ degrade: values.degrade });
const postgres = await reachable(POSTGRES);

// What a deployment would have in its environment; the checklist reads these through `env` checks and
// `${NAME}` references. The webhook URL is a secret: watch it stay out of the report.
const env = {
  ...process.env,
  TARGET_PORT: String(target.port),
  DEMO_DIR,
  SLACK_BILLING_WEBHOOK_URL: 'https://hooks.slack.com/services/T0DEMO000/B0DEMO000/demoWebhookSecret123',
  MAINTENANCE_MODE_DEFAULT: 'false',
  RATE_LIMIT_LOGIN_PER_MINUTE: '10',
  RATE_LIMIT_EXPORT_PER_HOUR: '5',
  ...(postgres ? { AUDIT_DATABASE_URL: POSTGRES.url } : {}),
};
delete env.GONOGO_DB;

say(
  `Target application: ${target.url}${values.degrade.length ? ` (degraded: ${values.degrade.join(', ')})` : ''}`,
);
say(`Store: ${rel(DB)} (SQLite; kept between demo runs)`);
say(
  postgres
    ? `PostgreSQL found on ${POSTGRES.host}:${POSTGRES.port}: the audit-table item runs for real.`
    : 'No PostgreSQL on 127.0.0.1:5432: the audit-table item (advisory in this example) reports an error and does not block.',
);
say(`\n$ gonogo run ${CHECKLIST} --env local --format ${values.format}\n`);

let code;
try {
  ({ code } = await gonogo(['run', CHECKLIST, '--env', 'local', '--db', DB, '--format', values.format], env));
} finally {
  await target.close();
}

if (code === 2) {
  say('\ngonogo refused the run (exit 2): the message above says what to fix.');
  process.exit(2);
}

// Name a real manual item that is still pending in the advice: the model (`lint`) says which items are
// manual, the stored state (`status`, which runs no checks) which of them nobody attested yet.
const lint = await gonogo(['lint', CHECKLIST, '--format', 'json'], env, { capture: true });
const status = await gonogo(['status', CHECKLIST, '--env', 'local', '--db', DB, '--format', 'json'], env, {
  capture: true,
});
let manual = '<item-id>';
try {
  const model = JSON.parse(lint.out);
  const pending = new Set(
    JSON.parse(status.out)
      .items.filter((i) => i.status === 'pending')
      .map((i) => i.id),
  );
  manual = model.items.find((i) => i.kind === 'task' && !i.check && pending.has(i.id))?.id ?? manual;
} catch {
  // Without `lint`/`status` JSON (an older build) the advice keeps the placeholder.
}

const db = `--db ${rel(DB)}`;
say(`
gonogo exited ${code} (${code === 0 ? 'GO' : 'NO-GO'}).
What the machine can check was checked for real above: the health endpoints, the X-Request-Id header,
the environment settings, the backup directory and the E2E report. ${
  code === 0
    ? ''
    : `The verdict stays NO-GO because
the manual items (2FA flow, Mongo indexes, access roles...) are pending until a person attests them,
and the four sign-offs of the policy are missing. For example:

  ./bin/gonogo attest ${CHECKLIST} ${manual} --evidence "checked in staging" --by you --env local ${db}
  ./bin/gonogo waive ${CHECKLIST} ${manual} --reason "..." --owner you --expires 7d --env local ${db}
  ./bin/gonogo signoff ${CHECKLIST} --role engineering --by you --env local ${db}

Then run \`npm run demo\` again. "health/ready 24 saat stabil" needs 24 hours of samples: \`gonogo serve\`
collects them.`
}
Other views of the same run: npm run demo -- --format markdown (or json, junit).`);
