/** Longest slug, in characters (DESIGN.md "Vocabulary"). */
export const MAX_SLUG = 60;

// Letters NFKD does not decompose into ASCII.
const LETTERS: Record<string, string> = {
  ı: 'i',
  ß: 'ss',
  æ: 'ae',
  Æ: 'ae',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ł: 'l',
  Ł: 'l',
  œ: 'oe',
  Œ: 'oe',
  þ: 'th',
  Þ: 'th',
  ð: 'd',
  Ð: 'd',
  ħ: 'h',
  Ħ: 'h',
};

const NOT_PRINTABLE_ASCII = /[^ -~]/;

/**
 * Fold text to lower-case ASCII letters where it can: Turkish and other Latin letters transliterated
 * (ı→i ş→s ğ→g ç→c ö→o ü→u, é→e), other characters kept.
 * @example fold('İlk 2 Hafta') // 'ilk 2 hafta'
 */
export function fold(text: string): string {
  // Printable ASCII has nothing to transliterate, decompose or drop (slug.test.ts): lower-case it.
  if (!NOT_PRINTABLE_ASCII.test(text)) return text.toLowerCase();
  return text
    .replace(/[ıßæÆøØđĐłŁœŒþÞðÐħĦ]/g, (c) => LETTERS[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();
}

/**
 * Slug of a title: lower-case ASCII, non-alphanumerics collapsed to '-', at most 60 characters, cut at a
 * '-' where possible. Empty when the text has no letter or digit.
 * @example slugify('Ayrı Mongo cluster (en azından ayrı DB + user)') // 'ayri-mongo-cluster-en-azindan-ayri-db-user'
 */
export function slugify(text: string): string {
  const slug = fold(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (slug.length <= MAX_SLUG) return slug;
  const cut = slug.slice(0, MAX_SLUG);
  const dash = cut.lastIndexOf('-');
  return (slug[MAX_SLUG] === '-' || dash < MAX_SLUG / 2 ? cut : cut.slice(0, dash)).replace(/-+$/, '');
}
