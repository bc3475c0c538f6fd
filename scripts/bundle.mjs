#!/usr/bin/env node
// Second build step (after `tsc -p tsconfig.build.json`): rewrite dist/ so a command loads a handful of
// files instead of ~500. Every source module stays its own file at the same path, importing its siblings
// as before, so the directories the CLI, the format list and the kind registry read at run time are
// unchanged (and `import.meta.url` in each module still names its own file). Only the packages are
// bundled: each package's hundreds of ESM modules (kysely alone has 262) become a few shared chunks in
// dist/chunks/, loaded by the modules that import them, when they import them. The drivers (native or
// large, loaded lazily inside check kinds and the store) stay in node_modules.
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SRC = join(ROOT, 'src');
const DIST = join(ROOT, 'dist');

/** Packages left to Node's resolver: native addons and the database drivers. */
const EXTERNAL = ['better-sqlite3', 'pg', 'mysql2', 'ioredis', 'pg-native'];

/** The same files `tsc -p tsconfig.build.json` compiles: sources, not tests or test support. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'test-support' ? [] : sources(path);
    if (!/\.tsx?$/.test(e.name) || /\.test\.tsx?$/.test(e.name) || e.name.endsWith('.d.ts')) return [];
    return [path];
  });
}

/** Imports of the project's own modules stay imports of the sibling files (one output file per module). */
const ownModulesStayFiles = {
  name: 'own-modules-stay-files',
  setup(b) {
    b.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.importer.startsWith(SRC) ? { path: args.path, external: true } : undefined,
    );
  },
};

/**
 * zod ships 64 locales of its error messages behind `z.locales`, a third of its code; gonogo writes its
 * own messages in English and never switches zod's locale. The locales index resolves to one that offers
 * English only, so V8 does not parse ~250 KB at every start of the CLI.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(args.resolveDir, '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: 'export { default as en } from "./en.js";\n',
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};

const entryPoints = sources(SRC);
rmSync(join(DIST, 'chunks'), { recursive: true, force: true });
const result = await build({
  entryPoints,
  outdir: DIST,
  outbase: SRC,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL,
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: true,
  // Less text for V8 to scan at every start; names are kept, so stack traces still read well.
  minifyWhitespace: true,
  minifySyntax: true,
  // Bundled CommonJS packages (undici, picomatch...) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __gonogoCreateRequire } from 'node:module'; const require = __gonogoCreateRequire(import.meta.url);",
  },
  tsconfig: join(ROOT, 'tsconfig.build.json'),
  plugins: [ownModulesStayFiles, zodEnglishOnly],
  logLevel: 'warning',
  metafile: true,
});
const chunks = Object.keys(result.metafile.outputs).filter(
  (f) => f.includes('/chunks/') && f.endsWith('.js'),
).length;
console.log(
  `bundled ${entryPoints.length} modules into ${relative(ROOT, DIST)}/ with ${chunks} shared package chunks`,
);
