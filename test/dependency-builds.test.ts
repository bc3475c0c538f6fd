import { ok } from 'devlop';
import { describe, expect, it } from 'vitest';

/**
 * vitest.config.ts resolves dependencies with the production condition, as the build (esbuild) and Node
 * do: the suite runs the markdown parser's code that users run, not its development builds (which assert
 * and log per token, at more CPU).
 */
describe('dependencies under vitest', () => {
  it('load their production builds: devlop (micromark’s assertions) is the no-op users run', () => {
    // devlop's development build throws on a false assertion; its production build does nothing.
    expect(() => ok(false, 'a failed assertion')).not.toThrow();
  });
});
