#!/usr/bin/env node
// `node scripts/run-code-cache.mjs DIST` (scripts/build.mjs runs it after building DIST/app/run.cjs): write
// the run bundle's V8 code cache. It loads the bundle as `gonogo run` does (app/run-start.ts, under V8's
// default flags: a run sets its own only while its checks run, cli/run-flags.ts), runs it on a generated
// checklist of http checks against a local server (a cold run that parses, then warm runs from the parse cache, in the
// json and text formats, with passes and failures), and only then writes what V8 compiled: the functions a
// run compiles lazily are in the cache, not just the bundle's top level. Nothing of the bench is used.
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = resolve(process.argv[2] ?? 'dist');
const ITEMS = 300;
const { loadRunBundle } = await import(pathToFileURL(join(DIST, 'app/run-start.js')).href);
const { writeCodeCache } = await import(pathToFileURL(join(DIST, 'app/code-cache.js')).href);

const bundle = loadRunBundle(join(DIST, 'app/run.cjs'));
if (!bundle) throw new Error(`${DIST}/app/run.cjs does not load`);

// A service answering JSON with a few headers; /down/ paths answer 503.
const server = createServer((req, res) => {
  const down = req.url?.startsWith('/down/');
  res.writeHead(down ? 503 : 200, { 'content-type': 'application/json', 'x-request-id': 'sample' });
  res.end(JSON.stringify({ ok: !down, version: '1.4.2', checks: { db: 'up', queue: 'up' } }));
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;

const dir = mkdtempSync(join(tmpdir(), 'gonogo-run-cache-'));
try {
  const lines = [
    '---',
    'id: sample-service',
    'name: Sample service launch',
    'environments:',
    `  local: { BASE_URL: "${base}" }`,
    '---',
    '# Sample service launch',
  ];
  const conditions = [
    'expect: [status == 200, body.ok == true, \'"x-request-id" in headers\']',
    'expect: [\'body.version.startsWith("1.")\', \'body.checks.db == "up"\']',
    'expect: [status < 400]',
  ];
  for (let i = 0; i < ITEMS; i++) {
    if (i % 100 === 0) lines.push('', `## Part ${i / 100 + 1}`);
    const path = i % 97 === 5 ? `/down/${i}` : `/service/${i}`;
    lines.push(`- [ ] Service ${i} answers`, '  ```check', `  http: \${BASE_URL}${path}`);
    lines.push(`  ${conditions[i % conditions.length]}`, '  ```');
  }
  lines.push('', '## Sign-off', '- [ ] Release notes reviewed');
  const file = join(dir, 'sample.md');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const sink = { write: () => true };
  const io = {
    stdout: sink,
    stderr: sink,
    isTTY: false,
    env: { GONOGO_CACHE_DIR: join(dir, 'cache') },
    cwd: dir,
  };
  const runs = [
    ['--format', 'json', '--out', join(dir, 'r1.json')],
    ['--format', 'json', '--out', join(dir, 'r2.json')],
    ['--format', 'text'],
    ['--format', 'json'],
  ];
  for (const [n, args] of runs.entries()) {
    const code = await bundle.exports.cli(['run', file, '--db', join(dir, `s${n}.db`), ...args], io);
    // NO-GO: the /down/ items fail, on purpose (the report's failure paths are compiled too).
    if (code !== 1) throw new Error(`the sample run exited ${code}, not 1 (NO-GO)`);
  }
  writeCodeCache(bundle);
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
