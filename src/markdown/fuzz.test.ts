import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationErrors } from '../model/errors.js';
import { SHARED } from '../test-support/cli.js';
import { random } from '../test-support/random.js';
import { readChecklist } from './read-checklist.js';

const corpus = [
  ...readdirSync(`${SHARED}seeds`).map((f) => readFileSync(`${SHARED}seeds/${f}`)),
  ...readdirSync(`${SHARED}fixtures/public-checklists`)
    .filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
    .map((f) => readFileSync(`${SHARED}fixtures/public-checklists/${f}`)),
];

const TOKENS = [
  '---\n',
  '```',
  '```check\n',
  '~~~',
  '`',
  '[ ]',
  '[x]',
  '[X]',
  '- [ ] ',
  '1. [ ] ',
  '* ',
  '+ ',
  '> ',
  '\n',
  '\r\n',
  '\t',
  '    ',
  '<!--',
  '-->',
  '<div>',
  '#',
  '## GO\n',
  '## NO-GO\n',
  '## Sign-Off\n',
  '___',
  '{#',
  '}',
  '{#x}',
  'http: ',
  'expect: [',
  ']',
  ': ',
  '- ',
  '${',
  'due: +',
  '<!-- due: +3d -->',
  '\uFEFF',
  'Ã§',
  'ğŸ',
  'Ä',
  '\u0000',
  '\uFFFD',
  '&amp;',
  '[a]: ',
  '|',
  '|---|',
  '*',
  '_',
  '**',
  '\\',
  '&',
  '%',
  '"',
  "'",
  'gonogo: 2\n',
  'launch: x\n',
  'policy:\n  signoffs: [A]\n',
  '*a: &a [*a]\n',
  '  ```check\n  http: x\n  ```\n',
];

function mutate(bytes: Buffer, next: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(next() * n);
  const start = pick(bytes.length);
  let doc = Buffer.from(bytes.subarray(start, start + 100 + pick(1200)));
  if (next() < 0.3) doc = Buffer.concat([Buffer.from('---\nid: fuzz\nlaunch: 2026-01-01\n---\n'), doc]);
  for (let n = pick(12); n > 0; n--) {
    const at = pick(doc.length + 1);
    const choice = next();
    let insert: Buffer;
    if (choice < 0.55) insert = Buffer.from(TOKENS[pick(TOKENS.length)]!);
    else if (choice < 0.8) insert = Buffer.from(Array.from({ length: 1 + pick(6) }, () => pick(256)));
    else if (choice < 0.9) {
      const other = corpus[pick(corpus.length)]!;
      const from = pick(other.length);
      insert = other.subarray(from, from + pick(400));
    } else {
      doc = Buffer.concat([doc.subarray(0, at), doc.subarray(at + pick(80))]);
      continue;
    }
    doc = Buffer.concat([doc.subarray(0, at), insert, doc.subarray(at)]);
  }
  return doc;
}

describe('readChecklist on random and mutated documents', () => {
  it('returns a checklist or throws located ValidationErrors, nothing else', () => {
    const kinds = new Set(['http', 'env', 'tcp']);
    let valid = 0;
    let invalid = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const next = random(seed);
      const doc = mutate(corpus[Math.floor(next() * corpus.length)]!, next);
      const bind =
        next() < 0.1
          ? { text: String.fromCharCode(...mutate(Buffer.from('a/b:\n  http: x\n'), next)), file: 'b.yaml' }
          : undefined;
      try {
        const checklist = readChecklist({
          bytes: doc,
          file: 'fuzz.md',
          kinds,
          ...(bind ? { bindings: bind } : {}),
        });
        expect(checklist.digest, `seed ${seed}`).toMatch(/^sha256:/);
        expect(new Set(checklist.items.map((i) => i.id)).size, `seed ${seed}: ids are unique`).toBe(
          checklist.items.length,
        );
        valid++;
      } catch (err) {
        if (!(err instanceof ValidationErrors)) throw new Error(`seed ${seed}: threw ${String(err)}`);
        for (const e of err.errors) {
          expect(e.position.line, `seed ${seed}: ${e.format()}`).toBeGreaterThanOrEqual(1);
          expect(e.position.column, `seed ${seed}: ${e.format()}`).toBeGreaterThanOrEqual(1);
          expect(e.message, `seed ${seed}`).not.toMatch(/internal error/);
        }
        invalid++;
      }
    }
    // Both outcomes must be exercised, or the mutations are too weak (or too strong) to test anything.
    expect(valid).toBeGreaterThan(200);
    expect(invalid).toBeGreaterThan(200);
  });
});
