import type { Checklist } from '../../model/checklist.js';

// Letters only Turkish uses among the Latin alphabets (ç, ö, ü are German and French too).
const TURKISH_LETTERS = /[ıİşŞğĞ]/;
// Frequent Turkish function words that are not English words (`her`, `var` are, so they are left out).
const TURKISH_WORDS = new Set([
  've',
  'ile',
  'için',
  'bir',
  'bu',
  'olarak',
  'değil',
  'veya',
  'sonra',
  'önce',
  'gibi',
  'tüm',
  'yok',
  'gün',
  'kadar',
  'daha',
]);

/**
 * The language of a checklist for the page's `lang` attribute: front matter `lang:` when given, else a
 * guess from its text. Screen readers pick their voice from it, so a Turkish list read as English is
 * unintelligible. The guess: `tr` when at least 4% of the words of the item titles and section headings are
 * Turkish (hold a Turkish-only letter such as ı, ş, ğ, or are a frequent Turkish word such as "ve",
 * "için"); `en` otherwise.
 * @example checklistLang(seed000) // 'tr'
 */
export function checklistLang(checklist: Pick<Checklist, 'lang' | 'items'>): string {
  if (checklist.lang) return checklist.lang;
  const text = checklist.items.map((i) => `${i.title} ${i.section.join(' ')}`).join(' ');
  return turkishShare(text) >= 0.04 ? 'tr' : 'en';
}

/** The share of words of `text` that look Turkish (0 when it has no words). */
export function turkishShare(text: string): number {
  // Not toLocaleLowerCase('tr'): it turns the English I into ı and every English text Turkish.
  const words = text.match(/[\p{L}]+/gu) ?? [];
  if (words.length === 0) return 0;
  const turkish = words.filter((w) => TURKISH_LETTERS.test(w) || TURKISH_WORDS.has(w.toLowerCase())).length;
  return turkish / words.length;
}
