import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CheckFailure } from '../engine/check.js';
import { blockTempDir } from '../test-support/temp-dir.js';
import junit from './junit.js';
import { celEnvironment, holds } from './test-support/cel.js';

/** Reports as real tools write them: vitest/jest (totals on both levels), surefire, pytest, bare suites. */
const REPORTS: Record<string, string> = {
  'pass.xml': `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="3" failures="0" errors="0" time="0.4">
  <testsuite name="src/api.test.ts" tests="3" failures="0" errors="0" skipped="1" time="0.4">
    <testcase classname="api" name="health is ready" time="0.1"/>
    <testcase classname="api" name="sets X-Request-Id" time="0.1"/>
    <testcase classname="api" name="rate limits" time="0"><skipped/></testcase>
  </testsuite>
</testsuites>`,
  'failure.xml': `<testsuite name="checkout">
  <testcase classname="checkout.Cart" name="adds an item"/>
  <testcase classname="checkout.Cart" name="applies a coupon"><failure message="expected 90 got 100">AssertionError</failure></testcase>
  <testcase name="pays"><failure/></testcase>
</testsuite>`,
  'error.xml': `<testsuites>
  <testsuite name="db" tests="2" failures="0" errors="1">
    <testcase classname="db.Migrations" name="apply"><error message="ECONNREFUSED" type="Error"/></testcase>
    <testcase classname="db.Migrations" name="rollback"/>
  </testsuite>
</testsuites>`,
  'nested.xml': `<testsuites tests="99">
  <testsuite name="e2e" tests="3" failures="1">
    <testsuite name="e2e.login" tests="1"><testcase classname="login" name="with 2FA"/></testsuite>
    <testsuite name="e2e.admin"><testcase classname="admin" name="a"/><testcase classname="admin" name="b"><failure/></testcase></testsuite>
  </testsuite>
</testsuites>`,
  'empty.xml': '<testsuites/>',
  'shards/unit/junit-1.xml': `<testsuite name="s1" tests="2" failures="0" errors="0"><testcase name="a"/><testcase name="b"/></testsuite>`,
  'shards/unit/junit-2.xml': `<testsuite name="s2" tests="1" failures="1" errors="0"><testcase classname="s2" name="c"><failure/></testcase></testsuite>`,
  'shards/e2e/junit-3.xml': `<testsuite name="s3" tests="4" failures="0" errors="0" skipped="2"/>`,
  'truncated.xml': '<testsuites>\n  <testsuite name="x" tests="1">\n    <testcase name="a">\n',
  'mismatched.xml': '<testsuite name="x">\n  <testcase name="a"></testsuite>\n',
  'page.html': '<html><body>Not found</body></html>',
};

const dir = blockTempDir('gonogo-junit-');

async function observe(target: string) {
  const ctx = { signal: new AbortController().signal, timeoutMs: 5000, baseDir: dir, env: {} };
  try {
    return { observed: await junit.run(junit.target.parse(target), junit.options.parse({}), ctx) };
  } catch (err) {
    if (err instanceof CheckFailure) return { failure: err.message, observed: err.partial };
    throw err;
  }
}

describe('junit kind', () => {
  beforeAll(async () => {
    for (const [name, xml] of Object.entries(REPORTS)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), xml);
    }
  });

  it.each([
    {
      target: 'pass.xml',
      want: { tests: 3, failures: 0, errors: 0, skipped: 1, failed: [], suites: 1 },
      passes: true,
    },
    {
      target: 'failure.xml',
      want: {
        tests: 3,
        failures: 2,
        errors: 0,
        skipped: 0,
        failed: ['checkout.Cart.applies a coupon', 'pays'],
        suites: 1,
      },
      passes: false,
    },
    {
      target: 'error.xml',
      want: { tests: 2, failures: 0, errors: 1, skipped: 0, failed: ['db.Migrations.apply'], suites: 1 },
      passes: false,
    },
    {
      // The outer totals (99, 3) include the inner suites: only the innermost are summed.
      target: 'nested.xml',
      want: { tests: 3, failures: 1, errors: 0, skipped: 0, failed: ['admin.b'], suites: 2 },
      passes: false,
    },
    {
      target: 'empty.xml',
      want: { tests: 0, failures: 0, errors: 0, skipped: 0, failed: [], suites: 0 },
      passes: false,
    },
    {
      target: 'shards/unit/*.xml',
      want: { tests: 3, failures: 1, errors: 0, skipped: 0, failed: ['s2.c'], suites: 2 },
      passes: false,
    },
    {
      target: 'shards/**/junit-*.xml',
      want: { tests: 7, failures: 1, errors: 0, skipped: 2, failed: ['s2.c'], suites: 3 },
      passes: false,
    },
    {
      target: 'shards/e2e/junit-3.xml',
      want: { tests: 4, failures: 0, errors: 0, skipped: 2, failed: [], suites: 1 },
      passes: true,
    },
  ])('$target', async ({ target, want, passes }) => {
    const { observed, failure } = await observe(target);
    expect(failure).toBeUndefined();
    expect(observed).toEqual(want);
    expect(holds(junit, junit.defaultExpect, observed)).toBe(passes);
  });

  it.each([
    { target: 'missing.xml', message: /cannot read JUnit report .*missing\.xml .*ENOENT/ },
    {
      target: 'truncated.xml',
      message:
        /truncated\.xml:\d+:\d+: not valid XML \(the file ends before <testsuites>, <testsuite>, <testcase> are closed\); is the test run still writing it\?/,
    },
    {
      target: 'mismatched.xml',
      message: /mismatched\.xml:2:\d+: not valid XML \(Expected closing tag 'testcase'/,
    },
    {
      target: 'page.html',
      message: /page\.html is not a JUnit report: expected <testsuites> or <testsuite>, found <html>/,
    },
    { target: 'reports/*.xml', message: /no JUnit report matches reports\/\*\.xml/ },
    { target: 'shards/*.junit', message: /no JUnit report matches shards\/\*\.junit .*did the tests run\?/ },
  ])('cannot judge $target', async ({ target, message }) => {
    const { failure, observed } = await observe(target);
    expect(failure).toMatch(message);
    expect(observed).toEqual({});
  });

  it.each([
    ['tests > 0 && failures == 0 && errors == 0'],
    ['failures + errors <= 2', 'skipped < tests / 10'],
    ['!("checkout.Cart.applies a coupon" in failed)', 'failed.size() == 0', 'suites >= 1'],
    ['failed.all(name, name.startsWith("flaky."))'],
  ])('typical expectations type-check: %s', (...conditions: string[]) => {
    for (const c of [...junit.defaultExpect, ...conditions]) {
      expect(celEnvironment(junit).check(c), c).toMatchObject({ valid: true, type: 'bool' });
    }
    expect(celEnvironment(junit).check('exit_code == 0').valid).toBe(false);
  });

  it('has no options of its own', () => {
    expect(junit.options.safeParse({ read: true }).success).toBe(false);
    expect(junit.target.safeParse('').success).toBe(false);
  });
});
