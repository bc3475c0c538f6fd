import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { ValidationErrors } from '../model/errors.js';
import type { Draft } from './outline.js';
import { outlineInWorker, WORKER_CHARS } from './outline-in-worker.js';
import { outlineMarkdown } from './outline-markdown.js';
import { type ReadChecklistInput, readChecklist } from './read-checklist.js';
import { corpusTexts } from './test-support/corpus.js';

// The real outlineInWorker, watched: readChecklist must use it for a long checklist, and a test makes it
// give up once to get the same checklist parsed in this thread.
vi.mock('./outline-in-worker.js', async (original) => {
  const real = await original<typeof import('./outline-in-worker.js')>();
  return { ...real, outlineInWorker: vi.fn(real.outlineInWorker) };
});

/** outlineInWorker on the worker module of the sources (run through tsx in the worker) or `options`. */
function inWorker(text: string, options: Parameters<typeof outlineInWorker>[2] = {}) {
  const drafts: Draft[] = [];
  const found = outlineInWorker(text, (batch) => drafts.push(...batch), options);
  return found && { drafts, ...found };
}

function inThread(text: string) {
  const drafts: Draft[] = [];
  return { drafts, ...outlineMarkdown(text, (batch) => drafts.push(...batch)) };
}

const corpus = corpusTexts();

/** A long checklist, as `npm run bench` writes, with a few mistakes when `broken`. */
function longChecklist(items: number, broken = false): string {
  const lines = [
    '---',
    'id: long',
    'environments:',
    '  bench: { BASE_URL: "http://127.0.0.1:1" }',
    '---',
    '# Long',
  ];
  for (let i = 0; i < items; i++) {
    if (i % 50 === 0) lines.push('', `## Section ${i / 50 + 1}`);
    lines.push(`- [ ] Endpoint ${i} answers`, '  ```check', `  http: \${BASE_URL}/item/${i}`);
    if (broken && i % 500 === 7) lines.push('  retries: many', '  expect: [a,');
    else lines.push(`  expect: [status == 200, '"x-request-id" in headers']`);
    lines.push('  ```');
  }
  return `${lines.join('\n')}\n`;
}

/** The result of readChecklist: the checklist, or its errors as `file:line:column: message` lines. */
function outcome(read: (input: ReadChecklistInput) => unknown, text: string) {
  try {
    return read({ bytes: text, file: 'long.md', kinds: new Set(['http']) });
  } catch (err) {
    if (err instanceof Error && 'errors' in err)
      return (err as ValidationErrors).errors.map((e) => e.format());
    throw err;
  }
}

describe('outlineInWorker', () => {
  it('runs from the TypeScript sources', () => {
    expect(inWorker(longChecklist(3))).toBeDefined();
  });

  it.each(corpus.map((text, i) => [i, text] as const))(
    'outlines corpus document %i as this thread does',
    (_i, text) => {
      expect(inWorker(text)).toEqual(inThread(text));
    },
  );

  it('outlines a long checklist as this thread does', () => {
    const text = longChecklist(3000);
    expect(inWorker(text)).toEqual(inThread(text));
  });

  it('is what readChecklist uses for a long checklist, with the same checklist or errors', () => {
    const watched = vi.mocked(outlineInWorker);
    for (const broken of [false, true]) {
      const text = longChecklist(2500, broken);
      expect(text.length).toBeGreaterThan(WORKER_CHARS);
      watched.mockClear();
      const fromWorker = outcome(readChecklist, text);
      expect(watched).toHaveReturnedTimes(1);
      expect(watched.mock.results[0]?.value).toBeDefined();
      // The worker given up: readChecklist parses in this thread.
      watched.mockReturnValueOnce(undefined);
      expect(outcome(readChecklist, text)).toEqual(fromWorker);
    }
  });

  it('gives up (and the caller parses in its thread) when it cannot run the worker', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gonogo-worker-'));
    const write = (name: string, code: string) => {
      writeFileSync(join(dir, name), code);
      return pathToFileURL(join(dir, name));
    };
    const text = longChecklist(10);
    // A missing script, in JavaScript or TypeScript.
    expect(inWorker(text, { script: pathToFileURL(join(dir, 'missing.js')) })).toBeUndefined();
    expect(inWorker(text, { script: pathToFileURL(join(dir, 'missing.ts')) })).toBeUndefined();
    // A worker that reports a failure, and one that dies without a word (given up when it stalls).
    const failing = write(
      'failing.mjs',
      `import { workerData } from 'node:worker_threads';
       const { signal, port } = workerData;
       port.postMessage({ failed: 'boom' });
       Atomics.add(signal, 0, 1);
       Atomics.notify(signal, 0);`,
    );
    expect(inWorker(text, { script: failing })).toBeUndefined();
    const dying = write('dying.mjs', `throw new Error('dead before a word');`);
    // Given up rather than waited on forever: the call returns (how soon is for bench/).
    expect(inWorker(text, { script: dying, stallMs: 500 })).toBeUndefined();
  });
});
