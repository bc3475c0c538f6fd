import { describe, expect, it } from 'vitest';
import { cadenceOf, isAfterLaunchHeading, isRhythmHeading } from './phases.js';

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
