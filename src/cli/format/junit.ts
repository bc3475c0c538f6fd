import { XMLBuilder } from 'fast-xml-parser';
import type { RunReport } from '../../engine/report.js';
import { displayText } from '../../model/display-text.js';
import { type Formatter, groupBySection, observedPairs, type ReportItem } from './formatter.js';

/**
 * Characters XML 1.0 cannot carry at all (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF);
 * a check's output can hold them, and one would make the whole report unreadable to CI.
 */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text safe for XML and for the CI page showing it: controls and bidi characters become visible escapes
 * (the shared display-text rule), what XML still cannot carry is replaced; the builder escapes `& < > " '`.
 */
const clean = (s: string) => displayText(s, { multiline: true }).replace(XML_INVALID, '\uFFFD');
/** Attribute values: parsers fold line breaks into spaces anyway, so say it plainly. */
const attr = (s: string) => clean(s).replace(/\s*[\r\n]+\s*/g, ' ');

const seconds = (ms: number | undefined) => ((ms ?? 0) / 1000).toFixed(3);

type Node = Record<string, unknown>;

function details(item: ReportItem): string {
  const lines = [item.message];
  const pairs = observedPairs(item.observed, item.message, 20);
  if (pairs.length > 0) lines.push(`observed: ${pairs.join(' ')}`);
  lines.push(`item: ${item.id}${item.blocking ? '' : ' (advisory, does not block GO)'}`);
  if (item.due) lines.push(`${item.overdue ? 'overdue since' : 'due'} ${item.due}`);
  if (item.flags.length > 0) lines.push(`flags: ${item.flags.join(', ')}`);
  return clean(lines.filter(Boolean).join('\n'));
}

/** The JUnit outcome element of an item: none for pass, else failure / error / skipped. */
function outcome(item: ReportItem): Node {
  const message = attr(item.message || item.status);
  const body = { '@_message': message, '#text': details(item) };
  if (item.phase === 'post-launch' && item.status !== 'pass') {
    // The program after the launch never holds the gate: CI sees it, as skipped, not as a failure.
    const late = item.overdue && item.due ? `, overdue since ${item.due}` : '';
    return { skipped: { '@_message': attr(`after launch${late}: ${item.status}: ${item.message}`) } };
  }
  switch (item.status) {
    case 'pass':
      return {};
    case 'fail':
      return { failure: { ...body, '@_type': 'fail' } };
    case 'error':
      return { error: { ...body, '@_type': 'error' } };
    case 'pending':
      // A blocking pending item keeps the gate closed, so CI must see it as failing, not skipped.
      return item.blocking
        ? { failure: { ...body, '@_type': 'pending' } }
        : { skipped: { '@_message': `pending (advisory): ${message}` } };
    default:
      return { skipped: { '@_message': attr(`${item.status}: ${item.message}`) } };
  }
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
  time: number;
}

function count(cases: Node[], time: number): Counts {
  const has = (k: string) => cases.filter((c) => k in c).length;
  return {
    tests: cases.length,
    failures: has('failure'),
    errors: has('error'),
    skipped: has('skipped'),
    time,
  };
}

const countAttrs = (c: Counts) => ({
  '@_tests': c.tests,
  '@_failures': c.failures,
  '@_errors': c.errors,
  '@_skipped': c.skipped,
  '@_time': seconds(c.time),
});

/**
 * JUnit XML for CI: one testsuite per section, one testcase per item, and a last `verdict` suite whose
 * single testcase fails on NO-GO with the reasons, so a CI page shows the gate itself, sign-offs included.
 */
const junit: Formatter = {
  name: 'junit',
  summary: 'JUnit XML for CI: a testsuite per section, a testcase per item, plus the verdict',
  render(report: RunReport) {
    const id = report.checklist.id;
    const suites: Node[] = [];
    const totals: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
    const add = (name: string, cases: Node[], time: number, properties?: Node) => {
      const c = count(cases, time);
      for (const k of ['tests', 'failures', 'errors', 'skipped', 'time'] as const) totals[k] += c[k];
      suites.push({
        '@_name': attr(name),
        ...countAttrs(c),
        '@_timestamp': report.at,
        ...(properties ? { properties } : {}),
        testcase: cases,
      });
    };

    for (const group of groupBySection(report.items)) {
      const cases = group.items.map((item) => ({
        '@_name': attr(`${item.title} [${item.id}]`),
        '@_classname': attr(`${id}.${item.id.split('/')[0] ?? 'items'}`),
        '@_time': seconds(item.durationMs),
        ...outcome(item),
      }));
      add(
        group.title,
        cases,
        group.items.reduce((t, i) => t + (i.durationMs ?? 0), 0),
      );
    }

    const reasons = report.reasons.map((r, i) => `${i + 1}. ${r.message}`).join('\n');
    const verdictCase: Node = {
      '@_name': attr(`${report.verdict}: ${report.checklist.name} (${report.environment})`),
      '@_classname': attr(`${id}.verdict`),
      '@_time': seconds(0),
      ...(report.verdict === 'GO'
        ? {}
        : {
            failure: {
              '@_type': 'verdict',
              '@_message': attr(`NO-GO: ${report.reasons.length} reason(s)`),
              '#text': clean(reasons),
            },
          }),
    };
    add('verdict', [verdictCase], 0, {
      property: [
        { '@_name': 'verdict', '@_value': report.verdict },
        { '@_name': 'environment', '@_value': attr(report.environment) },
        { '@_name': 'checklist', '@_value': attr(id) },
        { '@_name': 'digest', '@_value': attr(report.checklist.digest) },
        ...(report.run !== undefined ? [{ '@_name': 'run', '@_value': report.run }] : []),
      ],
    });

    const builder = new XMLBuilder({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      format: true,
      indentBy: '  ',
      suppressEmptyNode: true,
    });
    const doc = {
      '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
      testsuites: {
        '@_name': attr(`gonogo ${report.checklist.name} (${report.environment})`),
        ...countAttrs({ ...totals, time: report.durationMs ?? totals.time }),
        testsuite: suites,
      },
    };
    return `${String(builder.build(doc)).trimEnd()}\n`;
  },
};

export default junit;
