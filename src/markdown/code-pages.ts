/**
 * Windows-1252 and Windows-1254 byte tables, built from the platform's TextDecoder.
 * Mojibake repair runs them backwards: a character back to the byte it was decoded from.
 */

/** Bytes Windows-1252 leaves undefined: a Windows decoder drops them. */
export const UNDEFINED_1252: readonly number[] = [0x81, 0x8d, 0x8f, 0x90, 0x9d];
/** Bytes Windows-1254 (Turkish) leaves undefined. */
export const UNDEFINED_1254: readonly number[] = [0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e];

function decodeAll(label: string): string[] {
  const decoder = new TextDecoder(label);
  return Array.from({ length: 256 }, (_, byte) => decoder.decode(new Uint8Array([byte])));
}

function table1252(cp1254: string[]): string[] {
  const table = decodeAll('windows-1252');
  if (table[0x80] === '€') return table;
  // Some Node 20 builds decode the 'windows-1252' label as ISO-8859-1. The two Windows pages differ in
  // eight positions only: 1254 puts Turkish letters where 1252 has Icelandic ones and leaves 8E/9E undefined.
  const patched = [...cp1254];
  for (const byte of [0xd0, 0xdd, 0xde, 0xf0, 0xfd, 0xfe]) patched[byte] = String.fromCharCode(byte);
  patched[0x8e] = 'Ž';
  patched[0x9e] = 'ž';
  return patched;
}

const CP1254 = decodeAll('windows-1254');
const CP1252 = table1252(CP1254);

/** Characters only Windows-1252 produces from a high byte (their presence means the text went through 1252). */
export const ONLY_1252 = new Set([0xd0, 0xdd, 0xde, 0xf0, 0xfd, 0xfe, 0x8e, 0x9e].map((b) => CP1252[b]!));

/**
 * Character -> byte for the high half (0x80-0xFF) of both code pages. The union is consistent: where the
 * pages differ they produce different characters. C1 controls map to themselves, which undoes decoders
 * that kept undefined bytes as U+0080-U+009F instead of dropping them.
 */
export const HIGH_BYTE = new Map<string, number>();
for (let byte = 0x80; byte <= 0xff; byte++) {
  HIGH_BYTE.set(String.fromCharCode(byte), byte);
}
for (const table of [CP1254, CP1252]) {
  table.forEach((char, byte) => {
    if (byte >= 0x80 && char.codePointAt(0)! > 0xff) HIGH_BYTE.set(char, byte);
  });
}
