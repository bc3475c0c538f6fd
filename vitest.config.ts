import { defineConfig, type Plugin } from 'vitest/config';

/**
 * Dependencies load in the tests as they do in the build and under Node: their production code. Vite's
 * server conditions hold `development|production`, which is `development` under vitest (NODE_ENV=test), so
 * micromark, mdast-util-from-markdown and devlop ran their development builds (devlop's assertions, a
 * `debug` call per token): the suite ran code no user runs, and the parser-heavy tests (lift, pieces,
 * outline-markdown) took ~1.2× the CPU they take with the production code.
 */
const productionConditions: Plugin = {
  name: 'gonogo:production-conditions',
  config: {
    order: 'post',
    handler(config) {
      // Without the condition, as esbuild and Node resolve: a package's default entry (its production code).
      for (const resolve of [config.resolve, config.environments?.ssr?.resolve])
        if (resolve?.conditions)
          resolve.conditions = resolve.conditions.filter((c) => c !== 'development|production');
    },
  },
};

export default defineConfig({
  plugins: [productionConditions],
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    // Builds the sources once per run for the tests that spawn the CLI (src/test-support/build-once.ts).
    globalSetup: ['src/test-support/build-once.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // The JSON report lets .ci/run print a plain 'N passed, N failed' closing line.
    reporters: ['default', ['json', { outputFile: 'artifacts/test-results.json' }]],
  },
});
