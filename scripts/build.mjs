#!/usr/bin/env node
// The build: esbuild bundles the sources from the CLI's entry point into dist/, split into chunks that load
// when first imported (each command, output format and check kind is a lazy import of a static index,
// so each gets a chunk of its own, and a run of http checks loads none of the other kinds). The drivers
// (native or large, loaded lazily inside check kinds and the store) stay in node_modules.
// Beside them, the Markdown parser once more as one CommonJS file with V8's code cache (see PARSER below), and
// `gonogo run` as one more (see RUN below).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { decode, encode } from '@jridgewell/sourcemap-codec';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
// `--outdir DIR` builds elsewhere (test/build.test.ts builds into a temporary folder).
const { values } = parseArgs({ options: { outdir: { type: 'string' } } });
const DIST = values.outdir ? resolve(values.outdir) : join(ROOT, 'dist');

/** Packages left to Node's resolver: native addons and the database drivers. */
const EXTERNAL = ['better-sqlite3', 'pg', 'pg-boss', 'mysql2', 'ioredis', 'pg-native'];

/**
 * bin/gonogo runs app/main.js. The others are the modules bench/ and the GitHub Action's script drive directly; they share the same
 * chunks, so each module is still evaluated once whichever entry imports it.
 */
const ENTRIES = [
  'app/main.ts',
  'app/serve.ts',
  'checks/registry.ts',
  'store/index.ts',
  'server/index.ts',
  'engine/limiter.ts',
  // scripts/github-action.mjs renders the job summary and annotations with gonogo's own formats.
  'cli/format/index.ts',
  // This script writes the parser bundle's code cache with it (below).
  'app/code-cache.ts',
  // The worker of a long checklist's parse, which loads the parser bundle above (app/parser-worker.ts).
  'app/parser-worker.ts',
  // `gonogo run`'s start (the run bundle's loader), which run-code-cache.mjs uses too.
  'app/run-start.ts',
  // `serve` and `runner`'s launcher, and the node flags the benches start their gonogo servers with.
  'app/respawn.ts',
];

/** What both builds (the chunks and the parser bundle) share. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  sourcemap: true,
  // Less text for V8 to scan at every start; names are kept, so stack traces still read well.
  minifyWhitespace: true,
  minifySyntax: true,
  tsconfig: join(ROOT, 'tsconfig.build.json'),
  logLevel: 'warning',
};

rmSync(DIST, { recursive: true, force: true });
const result = await build({
  entryPoints: ENTRIES.map((e) => join(SRC, e)),
  outdir: DIST,
  outbase: SRC,
  entryNames: '[dir]/[name]',
  chunkNames: 'chunks/[name]-[hash]',
  ...COMMON,
  splitting: true,
  format: 'esm',
  // Bundled CommonJS packages (undici, picomatch...) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __gonogoCreateRequire } from 'node:module'; const require = __gonogoCreateRequire(import.meta.url);",
  },
  metafile: true,
  absWorkingDir: ROOT,
});
const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js')).length;

/**
 * The parser for the CLI's own thread (src/app/parser-bundle.ts): readChecklist and everything it imports
 * as one CommonJS file, which Node resolves at once and V8 compiles from a code cache (Node 20 caches no
 * code for ES modules). A cold `gonogo lint` loads this instead of the parser's many chunks. The cache is
 * written after running the bundle on sample checklists, so the functions a parse needs are in it.
 */
const PARSER = join(DIST, 'parser', 'read-checklist.cjs');
// The repository's own examples (not the benchmark's checklists, so the bench measures a checklist the
// cache never saw): front matter, sections, check blocks, criteria and sign-offs.
const SAMPLES = [
  'src/cli/commands/lint.fixture.md',
  'examples/enterprise-go-live.md',
  'examples/ci/launch.md',
];
await build({
  entryPoints: [join(SRC, 'app/parser-entry.ts')],
  outfile: PARSER,
  ...COMMON,
  format: 'cjs',
});
const { loadBundle, writeCodeCache } = await import(pathToFileURL(join(DIST, 'app/code-cache.js')).href);
const { loadRegistry } = await import(pathToFileURL(join(DIST, 'checks/registry.js')).href);
const kinds = new Set((await loadRegistry({ lazy: true })).names());
const parser = loadBundle(PARSER);
for (const sample of SAMPLES) {
  const reply = parser.exports.read({ bytes: readFileSync(join(ROOT, sample)), file: sample, kinds });
  if (!('checklist' in reply)) throw new Error(`${sample} does not parse: ${JSON.stringify(reply.errors)}`);
}
writeCodeCache(parser);

/**
 * `gonogo run` as one CommonJS file (src/app/run-entry.ts): the run command, the services, the engine,
 * the kinds, the store on its drivers, the report formats. app/main.ts loads it for `gonogo run`, compiled
 * from the code cache run-code-cache.mjs writes after running it, instead of ~70 ES module chunks that a
 * run would compile from scratch. The chunks stay: every other command, the workers, the server.
 * - A module's `import.meta.url` is the address of the chunk that holds it in the build above (a worker
 *   started from it runs that chunk, and the code root is found from it as from the chunks).
 * - `import()` of a driver or a Node module is a `require()`: a script compiled with a code cache
 *   cannot import, and each of them is CommonJS.
 * - The server is not in it (a run never serves): the services' `serve` throws there.
 */
const RUN = join(DIST, 'app', 'run.cjs');
const chunkOf = new Map();
for (const [output, { inputs }] of Object.entries(result.metafile.outputs)) {
  for (const input of Object.keys(inputs)) chunkOf.set(resolve(ROOT, input), resolve(ROOT, output));
}
const runBundle = {
  name: 'run-bundle',
  setup(b) {
    b.onResolve({ filter: /^\.\/serve\.js$/ }, (args) =>
      args.importer === join(SRC, 'app/services.ts') ? { path: 'serve', namespace: 'no-serve' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'no-serve' }, () => ({
      contents: "export async function serve() { throw new Error('gonogo run does not serve'); }",
      loader: 'js',
    }));
    b.onLoad({ filter: /\.tsx?$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const chunk = chunkOf.get(args.path);
      if (!chunk) throw new Error(`${args.path} uses import.meta.url and is in no chunk of the build`);
      const url = `__gonogoChunkUrl(${JSON.stringify(relative(dirname(RUN), chunk))})`;
      return {
        contents: text.replaceAll('import.meta.url', url),
        loader: args.path.endsWith('x') ? 'tsx' : 'ts',
      };
    });
  },
};
await build({
  entryPoints: [join(SRC, 'app/run-entry.ts')],
  outfile: RUN,
  ...COMMON,
  format: 'cjs',
  supported: { 'dynamic-import': false },
  plugins: [runBundle],
  banner: {
    js: "var __gonogoChunkUrl = (p) => require('node:url').pathToFileURL(require('node:path').join(__dirname, p)).href;",
  },
});
asciiOnly(RUN);
if (/(?<![`\w$.])import\(/.test(readFileSync(RUN, 'utf8'))) throw new Error(`${RUN} still has an import()`);
execFileSync(process.execPath, [join(ROOT, 'scripts/run-code-cache.mjs'), DIST], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: '' },
});
console.log(`bundled src/ into ${relative(ROOT, DIST)}/: ${files + 2} files`);

/**
 * Escape what is left of non-ASCII in `file` (esbuild escapes strings and templates, not regular expression
 * literals or comments) as `\uXXXX`, the same code units, and shift its source map's columns to match.
 * V8 then holds the source as one byte a character: decoding a file with any non-ASCII character to a
 * two-byte string cost ~18 ms of a run's start for the run bundle.
 */
function asciiOnly(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8'));
  const mappings = decode(map.mappings);
  lines.forEach((line, i) => {
    if (!/[^\x00-\x7f]/.test(line)) return;
    const wide = [];
    for (let c = 0; c < line.length; c++) if (line.charCodeAt(c) > 0x7f) wide.push(c);
    lines[i] = line.replace(/[^\x00-\x7f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
    // Each escaped code unit is 5 characters longer: a segment's column moves by 5 per one before it.
    for (const segment of mappings[i] ?? []) {
      const column = segment[0];
      segment[0] = column + 5 * wide.filter((c) => c < column).length;
    }
  });
  writeFileSync(file, lines.join('\n'));
  map.mappings = encode(mappings);
  writeFileSync(`${file}.map`, JSON.stringify(map));
}
