import { describe, expect, it } from 'vitest';
import { cadenceOf, isAfterLaunchHeading, isRhythmHeading } from './phases.js';
import { readChecklist } from './read-checklist.js';

describe('what headings and items say about time', () => {
  it.each([
    ['Post-Deployment', true],
    ['Post-Launch', true],
    ['After launch', true],
    ['Ongoing', true],
    ['Nihai Canlıya Geçiş Sonrası Program Sırası (90 Gün)', true],
    ['📊 Post-Deployment Monitoring', true],
    ['Pre-Deployment', false],
    ['Deployment', false],
    ['Launch day', false],
  ])('%s names the time after launch: %s', (heading, after) => {
    expect(isAfterLaunchHeading(heading)).toBe(after);
  });

  it.each([
    ['Yönetim Modeli (Haftalık Ritim)', true],
    ['Governance', true],
    ['Cadence', true],
    ['Weekly', true],
    ['Security', false],
  ])('%s names a rhythm: %s', (heading, rhythm) => {
    expect(isRhythmHeading(heading)).toBe(rhythm);
  });

  it.each([
    ['Weekly security updates', '7d'],
    ['Haftalık (30 dk):', '7d'],
    ['İki Haftada Bir:', '14d'],
    ['Fortnightly review', '14d'],
    ['Monthly dependency updates', '30d'],
    ['Aylık:', '30d'],
    ['Üç Aylık risk gözden geçirme', '90d'],
    ['Quarterly disaster recovery drills', '90d'],
    ['Yıllık pentest', '365d'],
    ['Regular backup restoration tests', 'regular'],
    ['Rotate `API_SECRET_SALT` regularly', undefined],
    ['Set up daily backups', undefined],
  ])('%s recurs every %s', (text, period) => {
    expect(cadenceOf(text)).toBe(period);
  });
});

describe('front matter phases: override the headings', () => {
  const read = (front: string) =>
    readChecklist({
      bytes: `---\n${front}\n---\n# Launch\n## Smoke tests\n- [ ] Log in works\n## Post-Launch\n- [ ] Review dashboards\n- [ ] Keep the gate {#keep}\n`,
      file: 'launch.md',
      kinds: new Set(),
    });
  const phases = (c: ReturnType<typeof read>) => Object.fromEntries(c.items.map((i) => [i.id, i.phase]));

  it('by heading and by id, with a warning for an entry that names nothing', () => {
    expect(phases(read('id: launch'))).toEqual({
      'smoke-tests/log-in-works': 'pre-launch',
      'post-launch/review-dashboards': 'post-launch',
      keep: 'post-launch',
    });
    const c = read('phases:\n  post-launch: [smoke tests]\n  pre-launch: [keep, Nowhere]');
    expect(phases(c)).toEqual({
      'smoke-tests/log-in-works': 'post-launch',
      'post-launch/review-dashboards': 'post-launch',
      keep: 'pre-launch',
    });
    expect(c.warnings.map((w) => w.message)).toEqual([
      'phases.pre-launch: "Nowhere" is neither an item id nor a heading of this checklist',
    ]);
  });

  it('policy.regular sets the period of a "Regular" item', () => {
    const c = readChecklist({
      bytes: '---\npolicy:\n  regular: 30d\n---\n# Ops\n## Ongoing\n- [ ] Regular restore drills\n',
      file: 'ops.md',
      kinds: new Set(),
    });
    expect(c.items[0]).toMatchObject({ recurs: '30d', phase: 'post-launch' });
  });
});
