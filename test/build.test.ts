import { execFile } from 'node:child_process';
import { once } from 'node:events';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kinds } from '../src/checks/kinds.js';
import { commands } from '../src/cli/commands/commands.js';
import { formats } from '../src/cli/format/formats.js';
import { WORKER_CHARS } from '../src/markdown/limits.js';
import { readChecklistReply } from '../src/markdown/read-checklist.js';
import { ROOT } from '../src/test-support/cli.js';

/**
 * The build (scripts/build.mjs, esbuild with code splitting) finds every plugin of the static indexes,
 * parses long checklists (in its own thread; the server in a worker) and fingerprints its own code for
 * the parse cache, as the sources do.
 * It is built here into a temporary folder (`npm test` does not build), beside a link to node_modules.
 */

const run = promisify(execFile);
let dir: string;
let out: string;

/** Run the built CLI, with `process.on('worker')` reporting each worker thread it starts on stderr. */
async function built(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, [join(dir, 'gonogo.mjs'), ...args], {
      cwd: dir,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1', GONOGO_CACHE_DIR: join(dir, 'cache'), ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gonogo-build-'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  out = join(dir, 'dist');
  writeFileSync(
    join(dir, 'gonogo.mjs'),
    `process.on('worker', () => process.stderr.write('[worker started]\\n'));
const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'app/main.js')).href)});
await main(process.argv.slice(2));
`,
  );
  await run(process.execPath, [join(ROOT, 'scripts/build.mjs'), '--outdir', out], { cwd: ROOT });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The source files of `file` and of every chunk it imports statically (not through `import()`), from
 * their source maps, relative to the repository: what Node evaluates before the entry's code runs.
 */
function staticSources(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
  const sources = new Set(map.sources.map((s) => relative(ROOT, resolve(dirname(file), s))));
  // esbuild writes static imports as `import{a}from"./x.js"` / `import"./x.js"`; dynamic ones as `import("./x.js")`.
  for (const m of code.matchAll(
    /(?:^|[;\n])(?:import|export)\s*(?:[^"'();]*?from\s*)?"(\.{1,2}\/[^"]+\.js)"/g,
  )) {
    for (const s of staticSources(resolve(dirname(file), m[1]!), seen)) sources.add(s);
  }
  return sources;
}

/**
 * The source files of every module of dist/ that a run of the built CLI loads, static or dynamic: a
 * module hook (registered by `--import`) writes each loaded URL to a file, read back with the source maps.
 */
async function loadedSources(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const log = join(dir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(log, '');
  const hooks = join(dir, 'log-hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(${JSON.stringify(log)}, url + '\\n');
  return next(url, context);
}
`,
  );
  const register = join(dir, 'log-register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const r = await built(args, { ...env, NODE_OPTIONS: `--import ${pathToFileURL(register).href}` });
  expect(r.code).toBe(0);
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((u) => fileURLToPath(u));
  const sources = new Set<string>();
  for (const file of files.filter((f) => f.startsWith(out))) {
    const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
    for (const s of map.sources) sources.add(relative(ROOT, resolve(dirname(file), s)));
  }
  return [...sources].sort();
}

describe('the build', () => {
  it('starts `--version` and `--help` from the dispatcher alone: no library, no command, no service', async () => {
    const sources = [...staticSources(join(out, 'app/main.js'))].sort();
    expect(sources.filter((s) => !s.startsWith('src/'))).toEqual([]);
    const allowed =
      /^src\/(app\/main|app\/launch|cli\/run-command|cli\/main|cli\/context|cli\/commands\/commands|model\/[a-z-]+)\.ts$/;
    expect(sources.filter((s) => !allowed.test(s))).toEqual([]);
    expect((await built(['--version'])).stdout).toBe('gonogo 0.1.0\n');
  });

  it('lints from a warm parse cache without zod (its core chunk keeps every locale)', async () => {
    const seed = join(ROOT, 'bench/fixtures/004-production-checklist.md');
    const env = { GONOGO_CACHE_DIR: join(dir, 'warm-lint-cache') };
    expect((await built(['lint', seed], env)).code).toBe(0);
    const sources = await loadedSources(['lint', seed], env);
    // The hook saw the run: the lint command and the cache entry's reader were loaded.
    expect(sources).toContain('src/cli/commands/lint.ts');
    expect(sources).toContain('src/app/cache-entry.ts');
    // A warm hit parses nothing: no Markdown parser, and no zod at all (src/app/config.ts reads the
    // environment with plain functions: zod's core chunk holds every locale).
    expect(sources.filter((s) => /node_modules\/(zod|micromark|mdast|remark-|unified)\//.test(s))).toEqual(
      [],
    );
  });

  it('lints with the parse cache off from the parser bundle: no parser chunk, CEL, zod, run report or server', async () => {
    const seed = join(ROOT, 'bench/fixtures/004-production-checklist.md');
    const sources = await loadedSources(['lint', seed], { GONOGO_CACHE: 'off' });
    expect(sources).toContain('src/cli/commands/lint.ts');
    expect(sources).toContain('src/app/parser-bundle.ts');
    // The parser runs from dist/parser/read-checklist.cjs (not an ES module: the hook does not see it), and
    // a checklist without check blocks loads no validator, CEL, kind, schema library's classic API or server;
    // a short one, not even the worker's launcher (node:worker_threads).
    // Nor zod (the bundle has its own, English only), nor the run report's text format and the verdict
    // and audit models under it (lint wraps its outline with cli/format/wrap.ts), nor the notify targets'
    // rule or the redaction (a text outline without checks or notify targets has nothing to redact),
    // nor any module of the store (its dialects load with the commands that use it).
    const banned =
      /node_modules\/(zod|@marcbachmann\/cel-js|hono|@hono|micromark|mdast|remark-|unified|yaml)\/|^src\/(markdown\/read-checklist|markdown\/read-in-worker|engine\/(validate|notify-targets|redact|expand)|checks\/(?!registry|kinds)|server\/|store\/|cli\/format\/(?!wrap)|model\/(verdict|audit|evidence|status))/;
    expect(sources.filter((s) => banned.test(s))).toEqual([]);
    // The bundle holds the parser and what it imports, and nothing of the server's (whose use of zod keeps
    // every one of zod's locales live in the chunks).
    const map = JSON.parse(readFileSync(join(out, 'parser/read-checklist.cjs.map'), 'utf8')) as {
      sources: string[];
    };
    const bundled = map.sources.map((s) => relative(ROOT, resolve(out, 'parser', s)));
    expect(bundled).toContain('src/markdown/read-checklist.ts');
    expect(
      bundled.filter((s) => /node_modules\/(hono|@hono|@marcbachmann)\/|^src\/(server|engine)\//.test(s)),
    ).toEqual([]);
    expect(bundled.filter((s) => /zod\/v4\/locales\/(?!en\.js)/.test(s))).toEqual([]);
  });

  it('lints with an OTLP endpoint set without loading the trace SDK (lint makes no span)', async () => {
    const seed = join(ROOT, 'bench/fixtures/004-production-checklist.md');
    const env = { GONOGO_CACHE: 'off', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' };
    const sources = await loadedSources(['lint', seed], env);
    expect(sources).toContain('src/cli/commands/lint.ts');
    // The start was handed over, to run at the first span (app/main.ts, engine/tracing-start.ts).
    expect(sources).toContain('src/engine/tracing-start.ts');
    expect(
      sources.filter((s) => /node_modules\/@opentelemetry\/|^src\/(app|engine)\/tracing\.ts$/.test(s)),
    ).toEqual([]);
  });

  it('compiles the parser bundle from the code cache the build wrote for this Node', async () => {
    const cache = pathToFileURL(join(out, 'app/code-cache.js')).href;
    const script = `const { loadBundle } = await import(${JSON.stringify(cache)});
console.log(loadBundle(${JSON.stringify(join(out, 'parser/read-checklist.cjs'))}).cache);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    expect(stdout.trim()).toBe('used');
  });

  it('lints alike from the parser bundle and, without it, from the parser module', async () => {
    writeFileSync(
      join(dir, 'problems.md'),
      [
        '---',
        'environments:',
        '  prod: { URL: "https://x.example" }',
        'bogus: 1',
        '---',
        '# Problems',
        '## A',
        '- [ ] up',
        '  ```check',
        '  http: ${URL}/health',
        '  expect: status ==',
        '  ```',
        '- [ ] port',
        '  ```check',
        '  tcp: nohost',
        '  ```',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'unparsable.md'),
      '# Bad\n## A\n- [ ] x\n  ```check\n  env: HOME\n  timeout: 5 parsecs\n  ```\n',
    );
    const files = [
      join(ROOT, 'bench/fixtures/004-production-checklist.md'),
      join(ROOT, 'src/cli/commands/lint.fixture.md'),
      join(ROOT, 'examples/enterprise-go-live.md'),
      'problems.md',
      'unparsable.md',
    ];
    const lintAll = async () => {
      const outputs = [];
      for (const file of files) {
        for (const format of ['text', 'json']) {
          outputs.push(await built(['lint', file, '--format', format], { GONOGO_CACHE: 'off' }));
        }
      }
      return outputs;
    };
    const fromBundle = await lintAll();
    expect(fromBundle.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 0, 2, 2, 2, 2]);
    expect(fromBundle[6]!.stderr).toContain('problems.md:11:11: a/up: expect[0]:');
    expect(fromBundle[8]!.stderr).toContain('unparsable.md:6:12: timeout:');
    const bundle = join(out, 'parser/read-checklist.cjs');
    renameSync(bundle, `${bundle}.away`);
    try {
      expect(await lintAll()).toEqual(fromBundle);
    } finally {
      renameSync(`${bundle}.away`, bundle);
    }
  });

  it('lists every command of commands.ts', async () => {
    const r = await built(['--help']);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(Object.keys(commands).sort());
  });

  it('loads every kind of kinds.ts', async () => {
    // In a Node process of its own, as bench/ and the Action import dist/: vitest's in-process module
    // transform (vite 7) trips over a chunk that imports a binding named `meta` (zod's) beside the banner's
    // `import.meta`, which Node itself runs fine.
    const registry = pathToFileURL(join(out, 'checks/registry.js')).href;
    const script = `const r = await (await import(${JSON.stringify(registry)})).loadRegistry();
console.log(JSON.stringify(r.names().map((k) => [k, r.get(k)?.kind])));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: dir });
    const loaded = JSON.parse(stdout) as [string, string][];
    expect(loaded.map(([name]) => name)).toEqual(Object.keys(kinds).sort());
    for (const [name, kind] of loaded) expect(kind).toBe(name);
  });

  it.each(Object.keys(formats))('renders a report in the %s format', async (format) => {
    writeFileSync(
      join(dir, 'small.md'),
      '# Small\n## A\n- [ ] home is set\n  ```check\n  env: HOME\n  ```\n',
    );
    const r = await built(['run', 'small.md', '--format', format, '--db', join(dir, `${format}.db`)]);
    expect(r.stderr).toBe('');
    // The github format prints annotations only: none for a GO.
    if (format === 'github') expect(r.stdout).not.toContain('::error');
    else expect(r.stdout).toContain('GO');
    expect(r.code).toBe(0);
  });

  it("runs http checks on undici's Agent and redirect interceptor alone, not its whole index", async () => {
    const server = createServer((req, res) => {
      if (req.url === '/moved') res.writeHead(302, { location: '/' }).end();
      else res.end('ok');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      writeFileSync(
        join(dir, 'http.md'),
        [
          '# Http\n## A\n- [ ] up\n  ```check',
          `  http: http://127.0.0.1:${port}/`,
          '  ```\n- [ ] moved, followed\n  ```check',
          `  http: http://127.0.0.1:${port}/moved`,
          '  follow_redirects: true\n  expect: [status == 200, body == "ok"]\n  ```\n',
        ].join('\n'),
      );
      const r = await built(['run', 'http.md', '--db', join(dir, 'http.db')]);
      expect(r.stdout).not.toContain('crashed');
      expect(r.code).toBe(0);
      // The ES module chunks' run (the run bundle, dist/app/run.cjs, holds all of undici but evaluates
      // only the modules required: test/run-bundle.test.ts), which the hook sees module by module.
      const bundle = join(out, 'app/run.cjs');
      renameSync(bundle, `${bundle}.away`);
      let sources: string[];
      try {
        sources = await loadedSources(['run', 'http.md', '--db', join(dir, 'http.db')]);
      } finally {
        renameSync(`${bundle}.away`, bundle);
      }
      // Relative to node_modules, wherever its link leads.
      const undici = sources.flatMap((s) => s.match(/node_modules\/(undici\/.*)$/)?.[1] ?? []);
      expect(undici).toContain('undici/lib/dispatcher/agent.js');
      expect(undici).toContain('undici/lib/interceptor/redirect.js');
      // The index (and with it WebSocket, EventSource, the caches, the mocks, the request API) stays unloaded.
      const unused = /^undici\/(index\.js|lib\/(api|mock|cache|web\/(websocket|eventsource|cache))\/)/;
      expect(undici.filter((s) => unused.test(s))).toEqual([]);
      // Of @sigstore/core only the DSSE encoding (launch records), not its X.509, ASN.1 and RFC 3161 code.
      const sigstore = sources.flatMap((s) => s.match(/node_modules\/(@sigstore\/.*)$/)?.[1] ?? []);
      expect(sigstore).toEqual(['@sigstore/core/dist/dsse.js']);
    } finally {
      server.close();
    }
  });

  it("a long checklist's worker parses with the code-cached bundle, to the parser module's reply", async () => {
    // The worker's own file loads the code cache's loader and nothing of the parser's ES modules.
    const sources = [...staticSources(join(out, 'app/parser-worker.js'))];
    expect(sources).toContain('src/app/parser-worker.ts');
    expect(
      sources.filter((s) =>
        /^src\/markdown\/|node_modules\/(micromark|mdast|remark-|unified|yaml)\//.test(s),
      ),
    ).toEqual([]);
    const reply = async (bytes: string) => {
      const input = { bytes, file: 'long.md', kinds: new Set(['http']) };
      const worker = new Worker(join(out, 'app/parser-worker.js'), { workerData: { readJob: true, input } });
      const [message] = (await once(worker, 'message')) as [unknown];
      await worker.terminate();
      return { message, expected: readChecklistReply(input) };
    };
    const good = await reply(
      `# Long\n## Items\n- [ ] One\n  \`\`\`check\n  http: https://example.com/\n  \`\`\`\n- [ ] Two\n`,
    );
    expect(good.message).toHaveProperty('checklist');
    expect(good.message).toEqual(good.expected);
    const bad = await reply('---\nid: [unclosed\n---\n# Bad\n- [ ] One\n');
    expect(bad.message).toHaveProperty('errors');
    expect(bad.message).toEqual(bad.expected);
  });

  it('parses a long checklist in its own thread, and then from the parse cache until its code changes', async () => {
    // Longer than the server's worker threshold (read-in-worker.ts): the CLI starts no worker for it. One
    // item has a check: a parse validates it (loading the validator), a cache hit does not.
    const items = Array.from(
      { length: 3000 },
      (_, i) =>
        `- [ ] Item ${i} is done, with a title long enough to make the checklist larger than the worker threshold`,
    );
    items.push('- [ ] Health\n  ```check\n  http: https://example.com/health\n  ```');
    writeFileSync(join(dir, 'long.md'), `# Long\n## Items\n${items.join('\n')}\n`);
    expect(statSync(join(dir, 'long.md')).size).toBeGreaterThan(WORKER_CHARS);
    const env = { GONOGO_CACHE_DIR: join(dir, 'long-cache') };
    const cache = () => readdirSync(env.GONOGO_CACHE_DIR).filter((f) => f.endsWith('.json'));
    const lint = ['lint', 'long.md', '--format', 'json'];
    const parsed = (sources: string[]) => sources.includes('src/engine/validate.ts');
    const miss = await loadedSources(lint, env);
    expect(parsed(miss)).toBe(true);
    expect(miss).not.toContain('src/markdown/read-in-worker.ts');
    expect(cache()).toHaveLength(1);
    expect(parsed(await loadedSources(lint, env))).toBe(false);
    expect(cache()).toHaveLength(1);
    const hit = await built(lint, env);
    const off = await built(lint, { GONOGO_CACHE: 'off' });
    expect(off.code).toBe(0);
    expect(off.stderr).not.toContain('[worker started]');
    expect(hit.stdout).toBe(off.stdout);
    // A rebuilt chunk is other code: its entries are not those of the old one.
    const chunk = readdirSync(join(out, 'chunks')).find((f) => f.endsWith('.js'))!;
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(out, 'chunks', chunk), later, later);
    expect(parsed(await loadedSources(lint, env))).toBe(true);
    expect(cache()).toHaveLength(2);
  }, 240_000);
});
