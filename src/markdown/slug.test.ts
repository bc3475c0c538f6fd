import { describe, expect, it } from 'vitest';
import { random } from '../test-support/random.js';
import { fold, slugify } from './slug.js';

/** fold without its ASCII shortcut: what every text went through before it. */
const foldFully = (text: string) =>
  fold(`\u00e9${text}`) // a non-ASCII character takes the full path; its own fold is 'e'
    .slice(1);

describe('fold', () => {
  it('gives printable ASCII text what the full transliteration gives', () => {
    const ascii = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    expect(fold(ascii)).toBe(foldFully(ascii));
    const next = random(15);
    for (let n = 0; n < 2000; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () =>
        ascii.charAt(Math.floor(next() * ascii.length)),
      ).join('');
      expect(fold(text), text).toBe(foldFully(text));
    }
  });

  it('transliterates the rest', () => {
    expect(fold('İlk 2 Hafta')).toBe('ilk 2 hafta');
    expect(fold('Straße Œuvre')).toBe('strasse oeuvre');
    expect(slugify('Ayrı Mongo cluster (en azından ayrı DB + user)')).toBe(
      'ayri-mongo-cluster-en-azindan-ayri-db-user',
    );
    expect(slugify('Endpoint 12 answers')).toBe('endpoint-12-answers');
  });
});
