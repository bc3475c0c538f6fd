import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHARED } from '../test-support/cli.js';
import { HIGH_BYTE } from './code-pages.js';
import { repairMojibake, repairText } from './repair.js';

/** Produce mojibake the way a Windows editor does: UTF-8 bytes decoded with a code page, undefined bytes dropped. */
function mangle(text: string, codePage: 'windows-1254' | 'windows-1252'): string {
  const bytes = new TextEncoder().encode(text);
  const decoder = new TextDecoder('windows-1254');
  let out = '';
  for (const byte of bytes) {
    if (codePage === 'windows-1252' && [0xd0, 0xdd, 0xde, 0xf0, 0xfd, 0xfe].includes(byte)) {
      out += String.fromCharCode(byte);
    } else if (codePage === 'windows-1252' && (byte === 0x8e || byte === 0x9e)) {
      out += byte === 0x8e ? 'Ž' : 'ž';
    } else {
      const char = decoder.decode(new Uint8Array([byte]));
      if (char.charCodeAt(0) >= 0x80 && char.charCodeAt(0) <= 0x9f) continue; // undefined: dropped
      out += char;
    }
  }
  return out;
}

describe('repairText', () => {
  it('maps no ASCII character to a high byte (repair skips ASCII without a lookup)', () => {
    expect([...HIGH_BYTE.keys()].filter((char) => char.charCodeAt(0) < 0x80)).toEqual([]);
    expect(HIGH_BYTE.size).toBeGreaterThan(128);
  });

  it('repairs seed 002 to the expected text byte for byte', () => {
    const seed = readFileSync(`${SHARED}seeds/002-partner-center-go-no-go.md`);
    const expected = readFileSync(`${SHARED}fixtures/seed-002-repaired.md`);
    const repaired = Buffer.from(repairText(seed).text, 'utf8');
    expect(repaired.equals(expected)).toBe(true);
  });

  it('says what it repaired, so the author can fix the file', () => {
    const { notes } = repairText(readFileSync(`${SHARED}seeds/002-partner-center-go-no-go.md`));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.message).toMatch(/UTF-8 read as Windows-1254.*repaired \d+ characters/);
    expect(notes[0]!.line).toBe(6);
  });

  it.each([
    ['byte order mark', '\uFEFF# T\n- [ ] a\n', '# T\n- [ ] a\n'],
    ['CRLF line endings', '# T\r\n- [ ] a\r\n', '# T\n- [ ] a\n'],
    ['old Mac CR line endings', '# T\r- [ ] a\r', '# T\n- [ ] a\n'],
    ['tabs stay', '-\t[ ] a\n', '-\t[ ] a\n'],
    ['Windows-1254 mojibake', 'geÃ§meden Ã¶nce Ä±ÅŸÄ±k', 'geçmeden önce ışık'],
    ['Windows-1252 mojibake', 'cafÃ© naÃ¯ve Ã¼ber', 'café naïve über'],
    ['emoji whose bytes all survive', 'ğŸš¦ GO / ğŸ“Š metrics Ã§', '🚦 GO / 📊 metrics ç'],
    ['dropped byte: the upper case of a letter the text uses', 'ÅŸ ÅŸ YENÄ° EDÄ°LMÄ°Å', 'ş ş YENİ EDİLMİŞ'],
    ['dropped byte: Ğ from ğ', 'ÄŸ DAÄ Ã§', 'ğ DAĞ ç'],
    ['dropped byte: a common mark', 'âŒ NO-GO, Ã§ Ã¶', '❌ NO-GO, ç ö'],
    ['dropped byte: the emoji selector after a pictograph', 'âš\u00A0ï¸ Not Ã§ Ã¶', '⚠️ Not ç ö'],
    ['dropped byte: a common emoji', 'ğŸ¯ hedef ğŸ“ not Ã§ Ã¶ Ã¼', '🎯 hedef 📝 not ç ö ü'],
    ['dropped byte: a closing quote, not a joiner', 'â€œquotedâ€ Ã§', '“quoted” ç'],
    ['undefined bytes kept as C1 controls', 'ğŸŽ¯ Ã§'.replace('Ž', '\u008E'), '🎯 ç'],
  ])('%s', (_name, input, expected) => {
    expect(repairText(input).text).toBe(expected);
  });

  it.each([
    ['Turkish', 'Ayrı Mongo cluster (en azından ayrı DB + user); geçti; ÇÖĞÜŞİ'],
    ['French and German', 'Café crème, naïve Übergröße, déjà vu'],
    ['emoji and symbols', '✅ done → 🚦 GO ⚠️ — “quotes” © 2025 · 100 %'],
    ['one mojibake example quoted in correct text', 'Mojibake: `geÃ§meden` for `geçmeden`; ışık, çok, ölç'],
    ['latin-1 symbols alone', '© ® ° ± µ ¶ · ¼ ½ ¾ ¿'],
  ])('leaves correct UTF-8 alone: %s', (_name, text) => {
    expect(repairText(text).text).toBe(text);
    expect(repairText(Buffer.from(text, 'utf8')).notes).toEqual([]);
  });

  it('leaves a text alone when most of its non-ASCII characters are not mojibake', () => {
    const text = 'ğŸ¯ ğŸ“ Ã§';
    expect(repairText(text).text).toBe(text);
  });

  it('round-trips mangled Turkish and emoji text through both code pages', () => {
    const original = 'Güvenlik ön-kontrolü: şifre, ığdır, çalışıyor ✅ 🔒 → İŞ ÇÖ ĞÜ';
    for (const page of ['windows-1254', 'windows-1252'] as const) {
      expect(repairMojibake(mangle(original, page)).text).toBe(original);
    }
  });

  it('finds mojibake wherever it stands among runs of ASCII (which it skips at once)', () => {
    const original =
      'ç at the start; then ASCII only for a while, ğ in the middle\n- [ ] and ş, ü at the end ✅';
    for (const page of ['windows-1254', 'windows-1252'] as const) {
      const mangled = mangle(original, page);
      expect(repairMojibake(mangled).text).toBe(original);
      const { count, firstIndex } = repairMojibake(`${'plain '.repeat(50)}${mangled}`);
      expect({ count, firstIndex }).toEqual({ count: repairMojibake(mangled).count, firstIndex: 300 });
    }
    expect(repairMojibake('only ASCII\nhere')).toEqual({
      text: 'only ASCII\nhere',
      count: 0,
      filled: 0,
      codePage: 'Windows-1254',
      firstIndex: 0,
    });
  });

  it('warns when the bytes are not UTF-8 at all', () => {
    const { text, notes } = repairText(new Uint8Array([0x61, 0xff, 0x62, 0x0a]));
    expect(text).toBe('a\uFFFDb\n');
    expect(notes[0]!.message).toMatch(/not valid UTF-8/);
  });
});
