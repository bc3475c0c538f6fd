import { describe, expect, it } from 'vitest';
import type { Checklist } from '../model/checklist.js';
import { ValidationErrors } from '../model/errors.js';
import { readChecklist } from './read-checklist.js';

const KINDS = new Set(['http', 'env']);

function read(doc: string, bind: string): Checklist {
  return readChecklist({
    bytes: doc,
    file: 'launch.md',
    kinds: KINDS,
    bindings: { text: bind, file: 'b.yaml' },
  });
}

function errorsOf(doc: string, bind: string): string[] {
  try {
    read(doc, bind);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationErrors);
    return (err as ValidationErrors).errors.map((e) => e.format());
  }
  throw new Error('expected the checklist to be invalid');
}

const plain = '# Launch\n## Ops\n- [ ] Health endpoint\n';

describe('a bindings file with front matter keys', () => {
  it('gives an untouched document its environments, policy, launch, schedule and notify', () => {
    const c = read(
      plain,
      [
        'launch: 2026-12-01',
        'environments:',
        '  staging: { BASE_URL: "https://staging.example.com" }',
        'policy: { waiver_max_days: 7, signoffs: [engineering] }',
        'schedule: 5m',
        'notify: [{ webhook: "https://hooks.example.com/x", secret: "${HOOK_SECRET}" }]',
        'secrets: [DB_URL]',
        'ops/health-endpoint:',
        '  http: ${BASE_URL}/health',
      ].join('\n'),
    );
    expect(c.launch).toBe('2026-12-01');
    expect(c.environments).toEqual({ staging: { BASE_URL: 'https://staging.example.com' } });
    expect(c.policy).toMatchObject({ waiver_max_days: 7, signoffs: ['engineering'] });
    expect(c.signoffs).toEqual(['engineering']);
    expect(c.schedule).toBe('5m');
    expect(c.notify).toEqual([
      {
        webhook: 'https://hooks.example.com/x',
        secret: '${HOOK_SECRET}',
        at: { file: 'b.yaml', line: 6, column: 10 },
      },
    ]);
    expect(c.secrets).toEqual(['DB_URL']);
    expect(c.items[0]!.check?.kind).toBe('http');
  });

  it('lets the document win where both set a key, key by key', () => {
    const doc = `---\nlaunch: 2026-11-01\nenvironments: { prod: { A: "1" } }\n---\n${plain}`;
    const c = read(
      doc,
      'launch: 2026-12-01\nenvironments: { staging: {} }\npolicy: { waiver_max_days: 3 }\n',
    );
    expect(c.launch).toBe('2026-11-01');
    expect(Object.keys(c.environments)).toEqual(['prod']);
    expect(c.policy.waiver_max_days).toBe(3);
  });

  it('may name the checklist, and its item keys then use that id', () => {
    const c = read(
      '## Ops\n- [ ] Health endpoint\n',
      'id: web\nname: Web launch\nops/health-endpoint:\n  env: A\n',
    );
    expect([c.id, c.name, c.items[0]!.check?.kind]).toEqual(['web', 'Web launch', 'env']);
  });

  it('gives phases to an untouched document', () => {
    const c = read(plain, 'phases: { post-launch: [Ops] }\n');
    expect(c.items.map((i) => i.phase)).toEqual(['post-launch']);
  });

  it('changes the digest when only its front matter changes', () => {
    expect(read(plain, 'launch: 2026-12-01\n').digest).not.toBe(read(plain, 'launch: 2026-12-02\n').digest);
  });

  it.each([
    ['a bad launch date', 'launch: soon\n', 'b.yaml:1:9: launch: write the launch date as YYYY-MM-DD'],
    [
      'a bad policy',
      'x: 1\npolicy: { waiver_max_days: -1 }\n',
      'b.yaml:2:28: front matter policy.waiver_max_days',
    ],
    ['a bad schedule', 'schedule: often\n', 'b.yaml:1:11: schedule: write an interval'],
  ])('locates %s in the bindings file', (_name, bind, expected) => {
    const errors = errorsOf(plain, bind);
    expect(errors.join('\n')).toContain(expected);
  });

  it('locates its warnings in the bindings file', () => {
    const c = read(plain, '\nnotify: [{ webhook: "https://h.example.com", secret: "abc" }]\n');
    expect(c.warnings).toContainEqual(expect.objectContaining({ file: 'b.yaml', line: 2 }));
  });
});
