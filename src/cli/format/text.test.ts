import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../engine/report.js';
import { goReport, noGoReport } from './test-support/sample-report.js';
import text, { safe } from './text.js';
import { wrap } from './wrap.js';

const plain = (r: RunReport) => text.render(r, { color: false });
const columns = (s: string) => [...stripVTControlCharacters(s)].length;

describe('text format', () => {
  it('opens with the checklist, environment, short digest, time and run', () => {
    const [name, file, meta] = plain(noGoReport()).split('\n');
    expect(name).toBe('Enterprise go-live');
    expect(file).toBe('examples/enterprise-go-live.md · enterprise-go-live · sha256:ab12ab12ab12');
    expect(meta).toBe('environment production · 2026-12-01 09:00:00 UTC · run #7 · took 1.7s');
  });

  it('shows each section with status chips, and for failures the message, id and observed values', () => {
    const out = plain(noGoReport());
    expect(out).toContain('\n5) Observability\n  PASS     /api/health/live → 200\n');
    expect(out).toContain(
      [
        '  FAIL     /api/health/ready → 200 (DB + scheduler + disk OK)',
        '           5-observability/api-health-ready-200',
        '           body.db == "ok" — got "down"',
        '           observed: body={"db":"down","scheduler":"ok"} status=503 latency_ms=3',
      ].join('\n'),
    );
    expect(out).toContain('  ERROR    X-Request-Id header in the response\n');
    expect(out).toContain('connect ECONNREFUSED 127.0.0.1:1');
    expect(out).toContain('           6-security/pen-test · advisory · awaiting attestation\n');
    expect(out.replace(/\n {11}/g, ' ')).toContain(
      '6-security/2fa-flow · overdue since 2026-11-23 · owner sec-team · awaiting attestation',
    );
    expect(out).toContain('  SKIPPED  TTL indexes work\n');
    expect(out).toContain('8 items: 2 pass, 1 fail, 1 error, 2 pending, 1 waived, 1 skipped');
  });

  it('ends NO-GO with a big verdict, the numbered reasons and the sign-off state', () => {
    const out = plain(noGoReport());
    expect(out).toMatch(/┃ {4}NO-GO {4}┃ {2}Enterprise go-live · production/);
    expect(out).toContain('Why NO-GO (4):\n  1. fail: 5-observability/api-health-ready-200');
    expect(out).toMatch(/\n {2}4\. sign-off for security by erin is stale/);
    expect(out).toContain(
      'Sign-offs: 1 of 2\n  ✓ engineering  dana · 2026-11-30T10:00:00.000Z\n  ! security     stale',
    );
  });

  it('ends GO without reasons', () => {
    const out = plain(goReport());
    expect(out).toMatch(/┃ {5}GO {6}┃/);
    expect(out).not.toContain('Why NO-GO');
    // Wrapped at 80 columns: compare the words, not the line breaks.
    expect(out.replace(/\s+/g, ' ')).toContain('every required sign-off is in');
    expect(out).toContain('Sign-offs: 2 of 2');
  });

  it('fits 80 columns, with and without colour', () => {
    for (const color of [false, true]) {
      for (const line of text.render(noGoReport(), { color }).split('\n')) {
        expect(columns(line), line).toBeLessThanOrEqual(80);
      }
    }
  });

  it('uses colour only when asked, and colour changes nothing but the escapes', () => {
    const report = noGoReport();
    const coloured = text.render(report, { color: true });
    expect(plain(report)).not.toMatch(/\x1b\[/);
    expect(coloured).toMatch(/\x1b\[31mFAIL/);
    expect(coloured).toMatch(/\x1b\[41m {3}NO-GO/);
    expect(stripVTControlCharacters(coloured)).toBe(plain(report));
  });

  it('never passes escape sequences from titles or messages to the terminal', () => {
    const report = noGoReport();
    report.items[1]!.message = 'got \x1b[2J\x1b[31mcleared\x07 screen';
    report.items[0]!.title = 'live\x1b]0;pwned\x07 check';
    const out = plain(report);
    expect(out).not.toMatch(/[\x00-\x08\x0B-\x1F\x7F]/);
    expect(out).toContain('  PASS     live\\x1b]0;pwned\\x07 check\n');
    expect(out).toMatch(/\n {11}got .*screen\n/);
  });
});

describe('wrap', () => {
  it.each([
    { text: 'short', indent: 4, first: 4, want: ['    short'] },
    { text: 'a b', indent: 0, first: 2, want: ['  a b'] },
    {
      text: `${'word '.repeat(20)}end`,
      indent: 2,
      first: 2,
      want: [`  ${'word '.repeat(15).trim()}`, `  ${'word '.repeat(5)}end`],
    },
    // Never past the edge: a word longer than a line is broken at it.
    {
      text: `see ${'x'.repeat(100)} ok`,
      indent: 0,
      first: 0,
      want: ['see', 'x'.repeat(80), `${'x'.repeat(20)} ok`],
    },
    { text: 'one\ntwo', indent: 3, first: 3, want: ['   one', '   two'] },
    { text: 'ş'.repeat(80), indent: 0, first: 0, want: ['ş'.repeat(80)] },
  ])('wraps $text.length chars at indent $indent', ({ text: t, indent, first, want }) => {
    expect(wrap(t, indent, first)).toEqual(want);
  });
});

describe('safe', () => {
  it.each([
    ['\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['bell\x07', 'bell\\x07'],
    ['a\u202Eb', 'a\\u202eb'],
    ['tab\tkept\nand newline', 'tab\tkept\nand newline'],
    ['çğış', 'çğış'],
  ])('%j -> %j', (input, want) => {
    expect(safe(input)).toBe(want);
  });
});
