#!/usr/bin/env node
// The build: esbuild bundles the sources from the CLI's entry point into dist/, split into chunks that load
// when first imported (each command, output format and check kind is a lazy import of a static index,
// so each gets a chunk of its own, and a run of http checks loads none of the other kinds). The drivers
// (native or large, loaded lazily inside check kinds and the store) stay in node_modules.
// Beside them, the Markdown parser once more as one CommonJS file with V8's code cache (see PARSER below).
import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
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
console.log(`bundled src/ into ${relative(ROOT, DIST)}/: ${files + 1} files`);
