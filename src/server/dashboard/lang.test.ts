import { describe, expect, it } from 'vitest';
import { checklistLang, turkishShare } from './lang.js';

const items = (...titles: string[]) => titles.map((title) => ({ title, section: ['Checklist'] }));

describe('checklistLang', () => {
  it.each([
    ['English items', items('Backups restored in a drill', 'Incident runbook is linked'), 'en'],
    ['capital I in English is not Turkish', items('IP allowlist', 'CI is green', 'If applicable: IDs'), 'en'],
    ['Turkish items', items('Yedekler günlük alınıyor', 'Ödeme akışı çalışıyor ve izleniyor'), 'tr'],
    ['Turkish words without Turkish letters', items('Rate limit ve CORS', 'Staging için smoke test'), 'tr'],
  ])('%s', (_what, list, lang) => {
    expect(checklistLang({ items: list as never })).toBe(lang);
  });

  it('prefers front matter lang:', () => {
    expect(checklistLang({ lang: 'de', items: items('Yedekler günlük alınıyor') as never })).toBe('de');
  });

  it('counts no words as no Turkish', () => {
    expect(turkishShare('— 123 —')).toBe(0);
  });
});
