/** Layer rules from STYLE.md: model <- markdown, engine <- checks, store, server, cli <- app. */
const layer = (name) => `^src/${name}/`;
module.exports = {
  forbidden: [
    { name: 'model-is-pure', severity: 'error', from: { path: layer('model') }, to: { path: '^src/(?!model/)' } },
    { name: 'markdown-only-model', severity: 'error', from: { path: layer('markdown') }, to: { path: '^src/(?!(model|markdown)/)' } },
    { name: 'engine-no-adapters', severity: 'error', from: { path: layer('engine') }, to: { path: '^src/(checks|store|server|cli|app|usecases)/' } },
    { name: 'usecases-model-engine-only', severity: 'error', from: { path: layer('usecases') }, to: { path: '^src/(?!(model|engine|usecases)/)' } },
    { name: 'checks-no-outer', severity: 'error', from: { path: layer('checks') }, to: { path: '^src/(store|server|cli|app|markdown)/' } },
    { name: 'store-no-outer', severity: 'error', from: { path: layer('store') }, to: { path: '^src/(checks|server|cli|app|markdown)/' } },
    { name: 'server-no-cli', severity: 'error', from: { path: layer('server') }, to: { path: '^src/(cli|checks|store)/' } },
    { name: 'cli-no-server-store-checks', severity: 'error', from: { path: layer('cli') }, to: { path: '^src/(server|store|checks)/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true, viaOnly: { pathNot: '\\.test\\.ts$' } } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.tsx?$|test-support/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
