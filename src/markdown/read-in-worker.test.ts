import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ValidationErrors } from '../model/errors.js';
import { testTempDir } from '../test-support/temp-dir.js';
import { type ReadChecklistInput, readChecklist } from './read-checklist.js';
import { type ReadAsyncOptions, readChecklistAsync, WORKER_CHARS } from './read-in-worker.js';
import { corpusTexts } from './test-support/corpus.js';

const corpus = corpusTexts();

/** A long checklist, as `npm run bench` writes (flat: one heading), with a few mistakes when `broken`. */
function longChecklist(items: number, { broken = false, flat = false } = {}): string {
  const lines = [
    '---',
    'id: long',
    'environments:',
    '  bench: { BASE_URL: "http://127.0.0.1:1" }',
    '---',
    '# Long',
    '',
  ];
  for (let i = 0; i < items; i++) {
    if (!flat && i % 50 === 0) lines.push('', `## Section ${i / 50 + 1}`);
    lines.push(`- [ ] Endpoint ${i} answers`, '  ```check', `  http: \${BASE_URL}/item/${i}`);
    if (broken && i % 500 === 7) lines.push('  retries: many', '  expect: [a,');
    else lines.push(`  expect: [status == 200, '"x-request-id" in headers']`);
    lines.push('  ```');
  }
  return `${lines.join('\n')}\n`;
}

const input = (text: string): ReadChecklistInput => ({
  bytes: text,
  file: 'long.md',
  kinds: new Set(['http']),
});

/** The checklist, or its errors as `file:line:column: message` lines. */
async function outcome(read: () => unknown) {
  try {
    return await read();
  } catch (err) {
    if (err instanceof Error && 'errors' in err)
      return (err as ValidationErrors).errors.map((e) => e.format());
    throw err;
  }
}

const inWorker = (text: string, options: ReadAsyncOptions = {}) =>
  outcome(() => readChecklistAsync(input(text), { workerChars: 0, ...options }));
const inThread = (text: string) => outcome(() => readChecklist(input(text)));

describe('readChecklistAsync', () => {
  it.each(corpus.map((text, i) => [i, text] as const))(
    'reads corpus document %i in a worker as readChecklist does here',
    async (_i, text) => {
      expect(await inWorker(text)).toEqual(await inThread(text));
    },
  );

  it('reads long checklists, flat or in sections, valid or not, as readChecklist does', async () => {
    for (const [flat, broken] of [
      [true, false],
      [false, true],
    ]) {
      {
        const text = longChecklist(2500, { broken, flat });
        expect(text.length).toBeGreaterThan(WORKER_CHARS);
        const found = await outcome(() => readChecklistAsync(input(text)));
        expect(found).toEqual(await inThread(text));
        if (broken)
          expect(found).toEqual(expect.arrayContaining([expect.stringMatching(/^long\.md:\d+:\d+: /)]));
      }
    }
  });

  it('keeps the event loop turning while a long checklist is read', async () => {
    const text = longChecklist(3000, { flat: true });
    let turns = 0;
    let reading = true;
    const turn = () => {
      turns++;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    const read = readChecklistAsync(input(text));
    // This thread answers (timers, I/O) while the worker parses: it turned before the checklist came back.
    const checklist = await read;
    reading = false;
    expect(checklist.items).toHaveLength(3000);
    expect(turns).toBeGreaterThan(10);
  });

  it('reads in this thread when the worker cannot run, fails or dies', async () => {
    const dir = testTempDir('gonogo-worker-');
    const write = (name: string, code: string) => {
      writeFileSync(join(dir, name), code);
      return pathToFileURL(join(dir, name));
    };
    const text = longChecklist(10, { broken: true });
    const expected = await inThread(text);
    for (const script of [
      pathToFileURL(join(dir, 'missing.js')),
      pathToFileURL(join(dir, 'missing.ts')),
      write(
        'failing.mjs',
        `import { parentPort } from 'node:worker_threads'; parentPort.postMessage({ failed: 'boom' });`,
      ),
      write('dying.mjs', `throw new Error('dead before a word');`),
      write('silent.mjs', `export {};`),
    ]) {
      expect(await inWorker(text, { script }), script.href).toEqual(expected);
    }
  });
});
