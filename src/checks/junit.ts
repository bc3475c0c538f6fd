import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import * as z from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';

/**
 * `junit`: judge a test report another tool wrote (CI artefacts, a nightly end-to-end run).
 * A glob sums several reports, e.g. one per package or shard.
 */
export default defineCheck({
  kind: 'junit',
  summary: 'Totals of a JUnit XML report (or several, by glob): tests, failures, errors, skipped',
  target: z.string().trim().min(1, 'give the path of a JUnit XML report, e.g. reports/junit.xml'),
  options: z.strictObject({}),
  variables: {
    tests: { type: 'int', description: 'Test cases run' },
    failures: { type: 'int', description: 'Test cases whose assertion failed' },
    errors: { type: 'int', description: 'Test cases that crashed' },
    skipped: { type: 'int', description: 'Test cases skipped' },
    failed: {
      type: 'list<string>',
      description: 'Names of failing and erroring test cases, as "classname.name"',
    },
    suites: { type: 'int', description: 'Test suites in the report(s)' },
  },
  defaultExpect: ['tests > 0 && failures == 0 && errors == 0'],
  async run(target, _options, ctx) {
    const files = await reportFiles(target, ctx.baseDir);
    const { XMLParser, XMLValidator } = await import('fast-xml-parser');
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      parseAttributeValue: false,
      // Whatever the report's shape, these are always lists, so one and many are read the same way.
      isArray: (name, _path, _leaf, isAttribute) =>
        !isAttribute && ['testsuite', 'testcase', 'failure', 'error', 'skipped'].includes(name),
    });
    const total = { tests: 0, failures: 0, errors: 0, skipped: 0, failed: [] as string[], suites: 0 };
    for (const file of files) {
      let xml: string;
      try {
        xml = await readFile(file, { encoding: 'utf8', signal: ctx.signal });
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        throw new CheckFailure(
          `cannot read JUnit report ${file} (${(err as Error).message})` +
            (missing ? ': did the tests run, and do they write their report there?' : ''),
        );
      }
      const valid = XMLValidator.validate(xml);
      if (valid !== true) {
        throw new CheckFailure(
          `${file}:${valid.err.line}:${valid.err.col}: not valid XML (${readable(valid.err.msg)}); ` +
            'is the test run still writing it?',
        );
      }
      const doc = parser.parse(xml) as Record<string, unknown>;
      // An empty `<testsuites/>` parses to '' and is a valid report of zero tests.
      const root =
        'testsuites' in doc
          ? asList(doc.testsuites)[0]
          : 'testsuite' in doc
            ? { testsuite: doc.testsuite }
            : undefined;
      if (!root) {
        const found = Object.keys(doc).filter((k) => !k.startsWith('?'));
        throw new CheckFailure(
          `${file} is not a JUnit report: expected <testsuites> or <testsuite>, found <${found[0] ?? 'nothing'}>`,
        );
      }
      addSuites(root, total, false);
    }
    return total;
  },
});

type XmlNode = Record<string, unknown>;
type Totals = {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  failed: string[];
  suites: number;
};

/** The report files for a path or glob, sorted so totals and `failed` come out in a stable order. */
async function reportFiles(target: string, baseDir: string): Promise<string[]> {
  const { default: picomatch } = await import('picomatch');
  const scan = picomatch.scan(target);
  if (!scan.isGlob) {
    return [resolve(baseDir, target)];
  }
  const base = resolve(baseDir, scan.base || '.');
  let entries: string[];
  try {
    entries = await readdir(base, { recursive: true });
  } catch (err) {
    throw new CheckFailure(
      `no JUnit report matches ${target}: cannot list ${base} (${(err as Error).message})`,
    );
  }
  const matches = picomatch(scan.glob);
  const files = entries.filter((entry) => matches(entry.split('\\').join('/'))).map((e) => join(base, e));
  if (files.length === 0) {
    throw new CheckFailure(
      `no JUnit report matches ${target} (looked in ${relative(baseDir, base) || '.'}): did the tests run?`,
    );
  }
  return files.sort();
}

/**
 * Sums the innermost suites. Totals of an enclosing element already include its children, so they are
 * only used where there is nothing inside to count; missing totals are counted from the test cases.
 */
function addSuites(node: XmlNode, total: Totals, isSuite = true): void {
  const children = asList(node.testsuite);
  if (children.length > 0) {
    for (const child of children) addSuites(child, total);
    return;
  }
  const cases = asList(node.testcase);
  const count = (predicate: (c: XmlNode) => boolean) => cases.filter(predicate).length;
  // A `<testsuites>` root with no suites inside may still carry totals, but it is not a suite.
  if (isSuite) total.suites += 1;
  total.tests += attribute(node, 'tests') ?? cases.length;
  total.failures += attribute(node, 'failures') ?? count((c) => asList(c.failure).length > 0);
  total.errors += attribute(node, 'errors') ?? count((c) => asList(c.error).length > 0);
  total.skipped +=
    attribute(node, 'skipped') ?? attribute(node, 'disabled') ?? count((c) => c.skipped !== undefined);
  for (const c of cases) {
    if (asList(c.failure).length > 0 || asList(c.error).length > 0) {
      const name = typeof c['@name'] === 'string' ? c['@name'] : '(unnamed)';
      const classname = c['@classname'];
      total.failed.push(typeof classname === 'string' && classname ? `${classname}.${name}` : name);
    }
  }
}

/** fast-xml-parser reports a file that ends early by dumping the open elements as a JSON list. */
function readable(message: string): string {
  const open = /^Invalid '(\[.*\])' found\.?$/s.exec(message)?.[1];
  if (!open) return message;
  try {
    const names = (JSON.parse(open) as string[]).map((name) => `<${name}>`);
    return `the file ends before ${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} closed`;
  } catch {
    return message;
  }
}

function asList(value: unknown): XmlNode[] {
  if (value === undefined) return [];
  // `<failure/>` and `<skipped/>` parse to an empty string, which still marks the test case.
  return (Array.isArray(value) ? value : [value]).map(
    (v) => (typeof v === 'object' && v ? v : {}) as XmlNode,
  );
}

function attribute(node: XmlNode, name: string): number | undefined {
  const raw = node[`@${name}`];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}
