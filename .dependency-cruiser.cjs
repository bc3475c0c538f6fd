/**
 * Layer rules (STYLE.md): model <- markdown, engine <- checks, store, usecases <- server, cli <- app.
 * Each layer lists the layers it may import; an import of any other layer (upward or sideways) is an
 * error named `layer-<from>`. test/layers.test.ts injects each kind of violation into a copy of src/ and
 * expects these rules to name it.
 */
const LAYERS = {
  model: [],
  markdown: ['model'],
  engine: ['model'],
  checks: ['model', 'engine'],
  store: ['model', 'engine'],
  // Use cases (one function per action, behind every door): only the pure model and the engine's ports.
  usecases: ['model', 'engine'],
  // Rules that propose checks from item text: pure functions of the model.
  suggest: ['model'],
  server: ['model', 'engine', 'usecases'],
  cli: ['model', 'engine', 'usecases', 'suggest'],
  // The composition root: the only place that knows every layer.
  app: ['model', 'markdown', 'engine', 'checks', 'store', 'usecases', 'suggest', 'server', 'cli'],
};

/**
 * Node modules that reach outside the process (files, network, processes, the OS). The model and the
 * Markdown reader are text in, model out; `node:crypto` stays allowed for digests and audit hashing, and
 * `node:worker_threads` for reading long texts off the main thread and heap (markdown/read-in-worker.ts).
 */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'dns/promises',
  'child_process',
  'cluster',
  'os',
  'process',
  'readline',
  'repl',
  'inspector',
];
const io = `^(node:)?(${IO_MODULES.join('|')})$`;

const known = Object.keys(LAYERS);
const SUPPORT = '(^|/)test-support/|\\.test\\.tsx?$';

const layerRules = Object.entries(LAYERS).flatMap(([layer, allowed]) => {
  const banned = known.filter((l) => l !== layer && !allowed.includes(l));
  if (banned.length === 0) return [];
  return {
    name: `layer-${layer}`,
    comment: `${layer}/ may import ${allowed.length ? allowed.join(', ') : 'nothing else in src/'}`,
    severity: 'error',
    from: { path: `^src/${layer}/`, pathNot: SUPPORT },
    to: { path: `^src/(${banned.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'no-test-support-in-production',
      comment: 'test helpers (test-support/ folders) are for tests; production code never imports them',
      severity: 'error',
      from: { path: '^src/', pathNot: SUPPORT },
      to: { path: '(^|/)test-support/' },
    },
    {
      name: 'model-no-io',
      comment: 'the model is pure: no files, network, processes or OS (the clock is passed in)',
      severity: 'error',
      from: { path: '^src/model/', pathNot: SUPPORT },
      to: { dependencyTypes: ['core'], path: io },
    },
    {
      name: 'markdown-no-io',
      comment: 'Markdown in, model out: the caller reads the file (app/load-checklist.ts)',
      severity: 'error',
      from: { path: '^src/markdown/', pathNot: SUPPORT },
      to: { dependencyTypes: ['core'], path: io },
    },
    {
      name: 'suggest-no-io',
      comment: 'suggestion rules read item text and return proposals; the CLI reads and writes the files',
      severity: 'error',
      from: { path: '^src/suggest/', pathNot: SUPPORT },
      to: { dependencyTypes: ['core'], path: io },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, viaOnly: { pathNot: '\\.test\\.ts$' } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Test files may import anything; test-support modules are cruised so imports of them are seen.
    exclude: { path: '\\.test\\.tsx?$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
