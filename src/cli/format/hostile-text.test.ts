import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../engine/report.js';
import github from './github.js';
import junit from './junit.js';
import markdown from './markdown.js';
import { noGoReport } from './test-support/sample-report.js';
import text from './text.js';

/** Names a checklist author, a `--by` flag or a probed system could hand us, and what readers must see. */
const HOSTILE = [
  { name: 'clear screen', raw: 'Launch\x1b[2J\x1b[H', shown: '\\x1b[2J' },
  {
    name: 'OSC-8 link',
    raw: '\x1b]8;;https://evil.example\x07Click to approve\x1b]8;;\x07',
    shown: '\\x1b]8;;https://evil.example\\x07',
  },
  { name: 'bell', raw: 'ding\x07dong', shown: 'ding\\x07dong' },
  { name: 'right-to-left override', raw: 'invoice\u202Efdp.exe', shown: 'invoice\\u202efdp.exe' },
  { name: 'NUL', raw: 'nul\x00byte', shown: 'nul\\x00byte' },
  { name: 'C1 CSI', raw: 'c1\x9b2J', shown: 'c1\\x9b2J' },
];

/** Every raw character a terminal, a Markdown viewer or an XML parser would act on. */
const RAW_CONTROL = /[\x00-\x08\x0B-\x1F\x7F-\x9F\u202A-\u202E\u2066-\u2069]/;

function hostileReport(raw: string): RunReport {
  const report = noGoReport();
  report.checklist.name = `Go-live ${raw}`;
  report.environment = `prod${raw}`;
  for (const item of report.items) {
    item.title = `${item.title} ${raw}`;
    if (item.message) item.message = `${item.message} ${raw}`;
    if (item.owner) item.owner = `${item.owner}${raw}`;
  }
  for (const r of report.reasons) r.message = `${r.message} ${raw}`;
  for (const s of report.signoffs) if (s.by) s.by = `${s.by}${raw}`;
  return report;
}

const FORMATS = [
  { format: text, asRead: (s: string) => s },
  // Markdown backslash-escapes punctuation, the backslash of a visible escape included: read as a viewer.
  { format: markdown, asRead: (s: string) => s.replace(/\\([!-/:-@[-`{-~])/g, '$1') },
  { format: junit, asRead: (s: string) => s },
  { format: github, asRead: (s: string) => s },
];

describe.each(FORMATS)('$format.name format with hostile names', ({ format, asRead }) => {
  it.each(HOSTILE)('shows $name as visible escapes, never raw', ({ raw, shown }) => {
    const out = format.render(hostileReport(raw), { color: false });
    expect(out).not.toMatch(RAW_CONTROL);
    expect(asRead(out)).toContain(shown);
  });
});

describe('junit format with hostile names', () => {
  it.each(HOSTILE)('stays valid XML 1.0 with $name in the checklist name', ({ raw, shown }) => {
    const xml = junit.render(hostileReport(raw), { color: false });
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' }).parse(xml);
    expect(doc.testsuites['@_name']).toContain(shown);
  });

  it('keeps out characters XML 1.0 cannot carry, even after escaping', () => {
    const report = noGoReport();
    report.checklist.name = 'bad \uFFFE\uFFFF \uDC00 end';
    const xml = junit.render(report, { color: false });
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).not.toMatch(/[\uFFFE\uFFFF]/);
  });
});

describe('text format with colour on', () => {
  it('keeps its own colours but never the names’ escapes', () => {
    const out = text.render(hostileReport('\x1b[2J'), { color: true });
    expect(out).toContain('\\x1b[2J');
    expect(out).not.toContain('\x1b[2J');
  });
});
