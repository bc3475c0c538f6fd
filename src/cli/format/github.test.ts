import { describe, expect, it } from 'vitest';
import github, { annotation, escapeData, escapeProperty } from './github.js';
import { goReport, noGoReport } from './test-support/sample-report.js';

describe('github format', () => {
  it.each([
    ['100%', '100%25', '100%25'],
    ['a\r\nb', 'a%0D%0Ab', 'a%0D%0Ab'],
    ['host:443, next', 'host:443, next', 'host%3A443%2C next'],
  ])('escapes %j as workflow commands require', (raw, data, property) => {
    expect(escapeData(raw)).toBe(data);
    expect(escapeProperty(raw)).toBe(property);
  });

  it('prints one ::error per blocking reason, at the item’s line in the checklist', () => {
    const report = noGoReport();
    const out = github.render(report, { color: false });
    const lines = out.trimEnd().split('\n');
    const errors = lines.filter((l) => l.startsWith('::error'));
    expect(errors).toHaveLength(report.reasons.length);
    for (const reason of report.reasons.filter((r) => r.item)) {
      const item = report.items.find((i) => i.id === reason.item)!;
      const line = errors.find((l) => l.endsWith(`::${escapeData(reason.message)}`));
      expect(line, reason.message).toMatch(
        new RegExp(`^::error file=examples/enterprise-go-live\\.md,line=${item.line},title=NO-GO%3A `),
      );
    }
    // Hostile titles never break a command onto a second line.
    for (const l of lines) expect(l).toMatch(/^::(error|warning) /);
  });

  it('prints nothing for a GO without failing advisory items', () => {
    const report = goReport();
    const out = github.render(report, { color: false });
    expect(out.split('\n').filter((l) => l.startsWith('::error'))).toEqual([]);
  });

  it('builds a command without properties when there are none', () => {
    expect(annotation('error', 'sign-off missing', {})).toBe('::error::sign-off missing');
  });
});
