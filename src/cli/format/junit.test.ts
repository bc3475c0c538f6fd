import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../engine/report.js';
import junit from './junit.js';
import { goReport, noGoReport } from './test-support/sample-report.js';

type Attrs = Record<string, string>;
interface TestCase extends Attrs {}
interface Suite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_errors': string;
  '@_skipped': string;
  '@_time': string;
  testcase: (TestCase & { failure?: Attrs & { '#text'?: string }; error?: Attrs; skipped?: Attrs })[];
}

/** Read the XML as a CI system would. */
function read(report: RunReport) {
  const xml = junit.render(report, { color: false });
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'property',
  }).parse(xml);
  return { xml, suites: doc.testsuites as Attrs & { testsuite: Suite[] } };
}

const count = (cases: Suite['testcase'], k: 'failure' | 'error' | 'skipped') =>
  cases.filter((c) => c[k] !== undefined).length;

describe('junit format', () => {
  it('is a testsuite per section plus the verdict, a testcase per item', () => {
    const { suites } = read(noGoReport());
    expect(suites.testsuite.map((s) => s['@_name'])).toEqual([
      '5) Observability',
      '6) Security',
      '7) Ops | Access',
      'verdict',
    ]);
    expect(suites.testsuite.flatMap((s) => s.testcase)).toHaveLength(noGoReport().items.length + 1);
  });

  it('has counts that match the testcases, per suite and in total', () => {
    const { suites } = read(noGoReport());
    const all = suites.testsuite.flatMap((s) => s.testcase);
    for (const s of suites.testsuite) {
      expect(Number(s['@_tests'])).toBe(s.testcase.length);
      expect(Number(s['@_failures'])).toBe(count(s.testcase, 'failure'));
      expect(Number(s['@_errors'])).toBe(count(s.testcase, 'error'));
      expect(Number(s['@_skipped'])).toBe(count(s.testcase, 'skipped'));
    }
    // fail + blocking pending + the NO-GO verdict; error; advisory pending + waived + skipped
    expect(suites).toMatchObject({ '@_tests': '9', '@_failures': '3', '@_errors': '1', '@_skipped': '3' });
    expect(count(all, 'failure')).toBe(3);
  });

  it.each([
    ['5-observability/api-health-ready-200', 'failure', 'fail', 'body.db == "ok" — got "down"'],
    ['5-observability/x-request-id-header', 'error', 'error', 'connect ECONNREFUSED 127.0.0.1:1'],
    ['6-security/2fa-flow', 'failure', 'pending', 'awaiting attestation'],
    ['6-security/pen-test', 'skipped', undefined, 'pending (advisory): awaiting attestation'],
    ['7-ops-access/mongo-ttl', 'skipped', undefined, 'skipped: not applicable: no Mongo in this deployment'],
  ] as const)('maps %s to <%s type=%s>', (id, element, type, message) => {
    const { suites } = read(noGoReport());
    const tc = suites.testsuite.flatMap((s) => s.testcase).find((c) => c['@_name']!.endsWith(`[${id}]`));
    const el = tc![element] as Attrs;
    expect(el['@_message']).toBe(message);
    expect(el['@_type']).toBe(type);
  });

  it('gives times in seconds and keeps observed values in the failure body', () => {
    const { suites } = read(noGoReport());
    const [obs] = suites.testsuite;
    expect(obs!.testcase.map((c) => c['@_time'])).toEqual(['0.012', '0.250', '1.500']);
    expect(obs!['@_time']).toBe('1.762');
    expect(suites['@_time']).toBe('1.730');
    expect(obs!.testcase[1]!.failure!['#text']).toContain(
      'observed: body={"db":"down","scheduler":"ok"} status=503',
    );
  });

  it('fails the verdict testcase on NO-GO with the reasons, and passes it on GO', () => {
    const verdict = (r: RunReport) => read(r).suites.testsuite.at(-1)!.testcase[0]!;
    const nogo = verdict(noGoReport());
    expect(nogo.failure!['@_message']).toBe('NO-GO: 4 reason(s)');
    expect(nogo.failure!['#text']).toContain('4. sign-off for security by erin is stale');
    const go = verdict(goReport());
    expect(go['@_name']).toBe('GO: Enterprise go-live (production)');
    expect(go.failure).toBeUndefined();
    expect(read(goReport()).suites['@_failures']).toBe('0');
  });

  it('stays valid XML whatever the titles and messages hold', () => {
    const report = noGoReport();
    report.items[1]!.message = 'got <html> & "quotes" \x00\x1b[31m ]]> \uD800 end';
    report.items[0]!.title = '<testcase name="x"/>';
    const { xml, suites } = read(report);
    expect(xml).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F]/);
    const cases = suites.testsuite[0]!.testcase;
    expect(cases[0]!['@_name']).toBe('<testcase name="x"/> [5-observability/api-health-live-200]');
    expect(cases[1]!.failure!['@_message']).toBe('got <html> & "quotes" \\x00\\x1b[31m ]]> \\ud800 end');
  });
});
