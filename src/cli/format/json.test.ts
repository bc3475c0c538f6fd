import { describe, expect, it } from 'vitest';
import json from './json.js';
import { goReport, noGoReport } from './test-support/sample-report.js';

describe('json format', () => {
  it('prints the report as is, pretty with two spaces', () => {
    const report = noGoReport();
    const out = json.render(report, { color: false });
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(out).toMatch(/^\{\n {2}"verdict": "NO-GO",\n/);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('holds at least the fields DESIGN.md promises to scripts', () => {
    const doc = JSON.parse(json.render(goReport(), { color: false }));
    expect(doc).toMatchObject({
      verdict: 'GO',
      environment: 'production',
      checklist: {
        id: 'enterprise-go-live',
        name: 'Enterprise go-live',
        digest: expect.stringMatching(/^sha256:/),
      },
      summary: { pass: 6, fail: 0, error: 0, pending: 1, waived: 0, skipped: 1 },
      reasons: [],
    });
    for (const item of doc.items) {
      for (const key of ['id', 'title', 'status', 'blocking', 'message', 'observed', 'due', 'overdue']) {
        expect(item, `${item.id} has ${key}`).toHaveProperty(key);
      }
    }
  });

  it('lists one reason per blocking problem on NO-GO', () => {
    const doc = JSON.parse(json.render(noGoReport(), { color: false }));
    expect(doc.reasons.map((r: { code: string }) => r.code)).toEqual([
      'item-fail',
      'item-error',
      'item-pending',
      'signoff-stale',
    ]);
  });
});
