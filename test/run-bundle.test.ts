import { execFile } from 'node:child_process';
import { once } from 'node:events';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { decode } from '@jridgewell/sourcemap-codec';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { ROOT } from '../src/test-support/cli.js';

/**
 * `gonogo run` from the build's run bundle (dist/app/run.cjs, compiled from the V8 code cache the build
 * wrote after running it: scripts/run-code-cache.mjs) answers exactly as the dispatcher and the ES module
 * chunks do: the same report, store, output and errors, whether its cache is used, refused by V8 (other
 * flags), stale (the bundle changed), corrupt or missing, and without the bundle at all.
 * On a private copy of this run's build (src/test-support/build-once.ts), which the cases change.
 */

const exec = promisify(execFile);
let pkg: string;
let dist: string;
let base: string;
const server = createServer((req, res) => {
  // No Date header: the observed values are the same from run to run.
  res.sendDate = false;
  const down = req.url?.startsWith('/down');
  res.writeHead(down ? 503 : 200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
  res.end(JSON.stringify({ ok: !down, version: '2.0.1' }));
});

beforeAll(async () => {
  pkg = mkdtempSync(join(tmpdir(), 'gonogo-run-bundle-'));
  const built = dirname(dirname(inject('gonogoBin')));
  for (const part of ['bin', 'dist', 'package.json'])
    cpSync(join(built, part), join(pkg, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  dist = join(pkg, 'dist');
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines = ['---', 'id: bundle-case', 'environments:', `  prod: { BASE: "${base}" }`, '---', '# Launch'];
  for (let i = 0; i < 40; i++) {
    const path = i % 9 === 4 ? `/down/${i}` : `/up/${i}`;
    lines.push(`- [ ] Endpoint ${i}`, '  ```check', `  http: \${BASE}${path}`);
    lines.push(`  expect: [status == 200, body.ok == true, 'body.version.startsWith("2.")']`, '  ```');
  }
  // An error (nothing listens on port 9), a manual item and a skipped one.
  lines.push('- [ ] Closed port', '  ```check', '  http: http://127.0.0.1:9/', '  timeout: 2s', '  ```');
  lines.push('## Sign-off', '- [ ] Release notes reviewed', '- [x] Done already');
  writeFileSync(join(pkg, 'launch.md'), `${lines.join('\n')}\n`);
});

afterAll(() => {
  server.close();
  rmSync(pkg, { recursive: true, force: true });
});

let n = 0;
/** `gonogo run` of the copy, with a fresh store and parse cache (or the given cache folder). */
async function gonogo(args: string[], env: Record<string, string> = {}) {
  const k = ++n;
  try {
    const r = await exec(process.execPath, [join(pkg, 'bin/gonogo'), ...args], {
      cwd: pkg,
      env: {
        PATH: process.env.PATH,
        NO_COLOR: '1',
        GONOGO_NOW: '2026-05-01T10:00:00Z',
        GONOGO_DB: join(pkg, `s${k}.db`),
        GONOGO_CACHE_DIR: join(pkg, `cache${k}`),
        ...env,
      },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** Timings (and the digests over them) blanked, so two runs of the same checklist compare equal. */
function blank(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(blank);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        /^(durationMs|latency_ms|evidence|hash)$/.test(k) ? '-' : blank(v),
      ]),
    );
  }
  return value;
}

/** A JSON report of launch.md, a text one, and the answers to three mistakes, blanked. */
async function answers(env: Record<string, string> = {}) {
  const out = join(pkg, 'report.json');
  const json = await gonogo(['run', 'launch.md', '--format', 'json', '--out', out], env);
  const text = await gonogo(['run', 'launch.md'], env);
  // The second run of a cache folder reads the checklist from the parse cache (a warm run).
  const cache = join(pkg, `warm${n}`);
  await gonogo(['run', 'launch.md'], { ...env, GONOGO_CACHE_DIR: cache });
  const warm = await gonogo(['run', 'launch.md', '--format', 'json'], { ...env, GONOGO_CACHE_DIR: cache });
  return {
    json: { ...json, report: blank(JSON.parse(readFileSync(out, 'utf8'))) },
    text: { ...text, stdout: text.stdout.replace(/latency_ms=[\d.]+|\d+(\.\d+)?\s?(ms|s)\b/g, 'T') },
    warm: { ...warm, stdout: blank(JSON.parse(warm.stdout)) },
    missing: await gonogo(['run', 'nope.md'], env),
    badEnv: await gonogo(['run', 'launch.md', '--env', 'staging'], env),
    badFormat: await gonogo(['run', 'launch.md', '--format', 'pdf'], env),
    help: await gonogo(['run', '--help'], env),
  };
}

/** What loadRunBundle says of the copy's cache: used, rejected or none. */
async function cacheState(env: Record<string, string> = {}): Promise<string> {
  const start = pathToFileURL(join(dist, 'app/run-start.js')).href;
  const script = `const { loadRunBundle } = await import(${JSON.stringify(start)});
console.log(loadRunBundle(${JSON.stringify(join(dist, 'app/run.cjs'))}).cache);`;
  const r = await exec(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
  });
  return r.stdout.trim();
}

describe('the run bundle', () => {
  describe('runs `gonogo run` as the ES modules do, with its code cache used, refused, stale, corrupt or missing', () => {
    // One case a state of the build, each with its own budget; the answers with the cache used are the
    // baseline the others must equal.
    let bundle: string;
    let cacheFile: string;
    let goodCache: Buffer;
    let goodBundle: Buffer;
    let usedState: string;
    let used: Awaited<ReturnType<typeof answers>>;

    beforeAll(async () => {
      bundle = join(dist, 'app/run.cjs');
      cacheFile = `${bundle}.v8cache`;
      goodCache = readFileSync(cacheFile);
      goodBundle = readFileSync(bundle);
      usedState = await cacheState();
      used = await answers();
    });

    afterEach(() => {
      // A failed step leaves the next cases the build as it was, not a changed or missing bundle.
      writeFileSync(bundle, goodBundle);
      writeFileSync(cacheFile, goodCache);
    });

    it('with its code cache used', () => {
      expect(usedState).toBe('used');
      expect(used.json.code).toBe(1);
      expect(used.json.stderr).toBe('');
      expect(used.json.stdout).toMatch(/^NO-GO bundle-case \(prod\): 37 pass, 4 fail, 1 error, 1 pending/);
      expect(used.warm.code).toBe(1);
      expect(used.missing).toMatchObject({ code: 2, stdout: '' });
      expect(used.badEnv.code).toBe(2);
      expect(used.badEnv.stderr).toMatch(/^gonogo: .*staging/);
      expect(used.help.stdout).toMatch(/^usage: gonogo run FILE/);
    });

    it('with its code cache refused by V8 (other flags): the bundle compiles from its source', async () => {
      const flagged = { NODE_OPTIONS: '--max-old-space-size=900' };
      expect(await cacheState(flagged)).toBe('rejected');
      expect(await answers(flagged)).toEqual(used);
    });

    it('with a corrupt code cache', async () => {
      const flipped = Buffer.from(goodCache);
      flipped[flipped.length - 100]! ^= 0xff;
      writeFileSync(cacheFile, flipped);
      expect(await cacheState()).toBe('none');
      expect(await answers()).toEqual(used);
    });

    it('with no code cache', async () => {
      rmSync(cacheFile);
      expect(await cacheState()).toBe('none');
      expect(await answers()).toEqual(used);
    });

    it("with the bundle changed (a rebuild's): its old cache is not used", async () => {
      appendFileSync(bundle, '\n// changed\n');
      expect(await cacheState()).toBe('none');
      expect(await answers()).toEqual(used);
    });

    it('without the bundle: the dispatcher and the ES module chunks', async () => {
      rmSync(bundle);
      expect(await answers()).toEqual(used);
      writeFileSync(bundle, goodBundle);
      expect(await cacheState()).toBe('used');
    });
  });

  it("compiles a cold run's parser from its code cache too (the run sets its V8 flags after loading code)", async () => {
    const start = pathToFileURL(join(dist, 'app/run-start.js')).href;
    // As app/main.ts starts a run.
    const script = `const { startRun } = await import(${JSON.stringify(start)});
const bundle = { exports: startRun(new URL('./run.cjs', ${JSON.stringify(start)})) };
const sink = { write: () => true };
const io = { stdout: sink, stderr: sink, isTTY: false, cwd: ${JSON.stringify(pkg)},
  env: { GONOGO_CACHE: 'off', PATH: process.env.PATH } };
const code = await bundle.exports.cli(['run', ${JSON.stringify(join(pkg, 'launch.md'))}, '--db', ':memory:'], io);
console.log(JSON.stringify({ code, parser: bundle.exports.parserCache() }));`;
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH },
    });
    // Before, the run set --heap-growing-percent before loading anything, and V8 refused the parser's
    // cache (made by the build under V8's defaults): every cold run compiled the parser from source.
    expect(JSON.parse(r.stdout)).toEqual({ code: 1, parser: 'used' });
  });

  it("compiles a cold run's parser from its code cache under `main`, which holds the young generation first", async () => {
    const start = pathToFileURL(join(dist, 'app/run-start.js')).href;
    // As app/main.ts starts a run: `main` exits the process, with the run's code.
    const script = `const { startRun } = await import(${JSON.stringify(start)});
const bundle = startRun(new URL('./run.cjs', ${JSON.stringify(start)}));
process.on('exit', (code) => console.log(JSON.stringify({ code, parser: bundle.parserCache() })));
await bundle.main(['run', ${JSON.stringify(join(pkg, 'launch.md'))}, '--db', ':memory:']);`;
    const r = await exec(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, GONOGO_CACHE: 'off' },
      cwd: pkg,
    }).catch((err: { stdout: string }) => err);
    // Held while the parser's cache was read, V8 would refuse it (the flag is hashed with the others).
    expect(JSON.parse(r.stdout.trim().split('\n').at(-1)!)).toEqual({ code: 1, parser: 'used' });
  });

  it('holds the run path and not the server, and has no import() (a cached script cannot import)', () => {
    const text = readFileSync(join(dist, 'app/run.cjs'), 'utf8');
    expect(text).not.toMatch(/(?<![`\w$.])import\(/);
    // One byte a character for V8 (scripts/build.mjs asciiOnly).
    expect(text).not.toMatch(/[^\x00-\x7f]/);
    const map = JSON.parse(readFileSync(join(dist, 'app/run.cjs.map'), 'utf8')) as { sources: string[] };
    // Relative to the repository (the map's paths are relative to the build's folder).
    const sources = map.sources.map((s) => s.replace(/^(\.\.\/)+.*?(?=(src|node_modules)\/)/, ''));
    expect(sources).toContain('src/cli/commands/run.ts');
    expect(sources).toContain('src/store/sqlite-adapter.ts');
    expect(sources.filter((s) => /^src\/server\/|node_modules\/(hono|@hono)\//.test(s))).toEqual([]);
  });

  it("maps the escaped lines' columns to the sources (asciiOnly shifts them by 5 per escape)", () => {
    const lines = readFileSync(join(dist, 'app/run.cjs'), 'utf8').split('\n');
    const map = JSON.parse(readFileSync(join(dist, 'app/run.cjs.map'), 'utf8')) as {
      mappings: string;
      sourcesContent: (string | null)[];
    };
    const sourceLines = map.sourcesContent.map((text) => (text ?? '').split('\n'));
    // A segment whose source starts with an identifier points at that identifier in the bundle (the
    // build keeps names; a few are renamed, e.g. `_Name`, or moved by syntax minification). Counted on
    // the segments after a `\uXXXX` on their line, the ones a missing or wrong shift would move.
    let after = 0;
    let misplaced = 0;
    decode(map.mappings).forEach((segments, i) => {
      const line = lines[i] ?? '';
      const firstEscape = line.search(/\\u[0-9a-f]{4}/);
      if (firstEscape < 0) return;
      for (const [column, source, sourceLine, sourceColumn] of segments) {
        if (source === undefined || column <= firstEscape) continue;
        const text = sourceLines[source]?.[sourceLine!]?.slice(sourceColumn) ?? '';
        const name = /^[A-Za-z_$][\w$]*/.exec(text)?.[0];
        if (!name || /^(return|throw|new|if|for|while|const|let|var|function|this|typeof|await)$/.test(name))
          continue;
        after += 1;
        if (!line.startsWith(name, column)) misplaced += 1;
      }
    });
    expect(after).toBeGreaterThan(1000);
    // Measured: under 1% with the shift, 99% without it.
    expect(misplaced / after).toBeLessThan(0.05);
  });
});
