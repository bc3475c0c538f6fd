import { writeSync } from 'node:fs';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileWriter, REPORT_BATCH_CHARS, writeReport } from './index.js';
import json, { ELEMENTS_PER_PIECE, prettyPieces } from './json.js';
import { goReport, noGoReport } from './test-support/sample-report.js';

describe('json format', () => {
  it('prints the report as is, pretty with two spaces', () => {
    const report = noGoReport();
    const out = json.render(report, { color: false });
    expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(report)));
    expect(out).toMatch(/^\{\n {2}"verdict": "NO-GO",\n/);
    expect(out.endsWith('}\n')).toBe(true);
  });

  it('holds at least the fields DESIGN.md promises to scripts', () => {
    const doc = JSON.parse(json.render(goReport(), { color: false }));
    expect(doc).toMatchObject({
      verdict: 'GO',
      environment: 'production',
      checklist: {
        id: 'enterprise-go-live',
        name: 'Enterprise go-live',
        digest: expect.stringMatching(/^sha256:/),
      },
      summary: { pass: 6, fail: 0, error: 0, pending: 1, waived: 0, skipped: 1 },
      reasons: [],
    });
    for (const item of doc.items) {
      for (const key of ['id', 'title', 'status', 'blocking', 'message', 'observed', 'due', 'overdue']) {
        expect(item, `${item.id} has ${key}`).toHaveProperty(key);
      }
    }
  });

  it('lists one reason per blocking problem on NO-GO', () => {
    const doc = JSON.parse(json.render(noGoReport(), { color: false }));
    expect(doc.reasons.map((r: { code: string }) => r.code)).toEqual([
      'item-fail',
      'item-error',
      'item-pending',
      'signoff-stale',
    ]);
  });

  it('writes in pieces exactly the text JSON.stringify(report, null, 2) gives', () => {
    for (const report of [goReport(), noGoReport()]) {
      const pieces = [...json.pieces!(report, { color: false })];
      expect(pieces.length).toBeGreaterThan(Object.keys(report).length);
      expect(pieces.join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
      expect(json.render(report, { color: false })).toBe(`${JSON.stringify(report, null, 2)}\n`);
    }
  });

  it('cuts any plain object the way JSON.stringify writes it', () => {
    const values: object[] = [
      {},
      { a: undefined, f: () => 1 },
      { a: [], b: {}, c: [undefined, () => 1, null, [1, [2, []]], { d: 'x\ny' }], e: 'last' },
      { only: undefined, list: [{ nested: [{ deep: { x: [1, 2] } }] }] },
      { at: new Date(0), list: Object.assign([1, 2], { toJSON: () => 'list' }) },
      { toJSON: () => ({ replaced: [1] }) },
      [1, { a: [2] }],
      // More elements than one piece holds, element counts either side of a piece's edge.
      ...[
        ELEMENTS_PER_PIECE - 1,
        ELEMENTS_PER_PIECE,
        ELEMENTS_PER_PIECE + 1,
        2 * ELEMENTS_PER_PIECE + 1,
        513,
      ].map((n) => ({
        items: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? undefined : { i, tags: [`t${i}`], o: {} })),
        after: { n },
      })),
    ];
    for (const value of values) {
      expect([...prettyPieces(value)].join('')).toBe(JSON.stringify(value, null, 2));
    }
  });

  it('hands the text on in batches whose concatenation is the rendered report', async () => {
    const report = noGoReport();
    const batches: string[] = [];
    await writeReport(json, report, { color: false }, (text) => batches.push(text), 200);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.slice(0, -1).every((b) => b.length >= 200)).toBe(true);
    expect(batches.join('')).toBe(json.render(report, { color: false }));
  });

  it('hands on the next batch only once the last write is done, and fails with a write that fails', async () => {
    const report = noGoReport();
    const batches: string[] = [];
    let inFlight = 0;
    const slowWrite = async (text: string) => {
      expect(inFlight).toBe(0);
      inFlight += 1;
      await new Promise((resolve) => setImmediate(resolve));
      batches.push(text);
      inFlight -= 1;
    };
    await writeReport(json, report, { color: false }, slowWrite, 200);
    expect(batches.length).toBeGreaterThan(2);
    expect(batches.join('')).toBe(json.render(report, { color: false }));

    let writes = 0;
    const failing = async () => {
      writes += 1;
      await new Promise((resolve) => setImmediate(resolve));
      throw new Error('disk full');
    };
    await expect(writeReport(json, report, { color: false }, failing, 200)).rejects.toThrow('disk full');
    expect(writes).toBe(1);
  });

  it("fails with the render's error when it throws while a batch is being written", async () => {
    const broken = {
      ...json,
      *pieces() {
        yield 'x'.repeat(300);
        throw new Error('render broke');
      },
    };
    const failing = () => Promise.reject(new Error('disk full'));
    await expect(writeReport(broken, noGoReport(), { color: false }, failing, 200)).rejects.toThrow(
      'render broke',
    );
  });

  it('writes a file in batches, one after the other, as run --out does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-json-'));
    try {
      const file = join(dir, 'report.json');
      const report = goReport();
      const handle = await open(file, 'w');
      try {
        await writeReport(json, report, { color: false }, fileWriter(handle.fd), 100);
      } finally {
        await handle.close();
      }
      expect(await readFile(file, 'utf8')).toBe(json.render(report, { color: false }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('encodes batches into one reused buffer, a shorter batch after a longer one and an oversized text included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-json-'));
    try {
      const file = join(dir, 'report.json');
      const handle = await open(file, 'w');
      const seen: ArrayBufferLike[] = [];
      const record = (fd: number, bytes: Uint8Array, offset: number) => {
        if (offset === 0) seen.push(bytes.buffer);
        return writeSync(fd, bytes, offset);
      };
      // Over the Buffer pool's size, so that a Buffer made per batch would never share its memory.
      const texts = [
        'a'.repeat(REPORT_BATCH_CHARS),
        'çalışıyor — ✓ 𝄞 \ud800 done'.repeat(400),
        'b'.repeat(9000),
        '𝄞'.repeat(REPORT_BATCH_CHARS),
        'c'.repeat(5 * REPORT_BATCH_CHARS),
        'd'.repeat(7000),
      ];
      try {
        const write = fileWriter(handle.fd, record);
        for (const text of texts) write(text);
      } finally {
        await handle.close();
      }
      expect(await readFile(file)).toEqual(Buffer.from(texts.join(''), 'utf8'));
      // Every batch within two batches' length went through one buffer; the oversized one had its own.
      const [first, ...rest] = seen;
      expect(rest.filter((b) => b === first)).toHaveLength(texts.length - 2);
      expect(seen[4]).not.toBe(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('goes on after a short write until every byte of a batch is in the file, multi-byte text included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gonogo-json-'));
    try {
      const file = join(dir, 'report.json');
      const report = noGoReport();
      report.items[0]!.message = 'çalışıyor — ✓ 𝄞 done';
      const handle = await open(file, 'w');
      let calls = 0;
      // At most 7 bytes a call, as a file system may take less than it was handed.
      const short = (fd: number, bytes: Uint8Array, offset: number) => {
        calls += 1;
        return writeSync(fd, bytes, offset, Math.min(7, bytes.length - offset));
      };
      try {
        await writeReport(json, report, { color: false }, fileWriter(handle.fd, short), 100);
      } finally {
        await handle.close();
      }
      const text = json.render(report, { color: false });
      expect(await readFile(file, 'utf8')).toBe(text);
      expect(calls).toBeGreaterThanOrEqual(Buffer.byteLength(text) / 7);
      // A write that takes nothing is an error, not a loop without end.
      const stuck = await open(file, 'w');
      try {
        await expect(
          writeReport(
            json,
            report,
            { color: false },
            fileWriter(stuck.fd, () => 0),
            100,
          ),
        ).rejects.toThrow(/took no bytes/);
      } finally {
        await stuck.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
