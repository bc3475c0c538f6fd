import { describe, expect, it } from 'vitest';
import { jsonLogger } from './logger.js';

const clock = () => new Date('2026-12-01T10:00:00.000Z');

describe('JSON logger', () => {
  it('writes one JSON line per call, with every field', () => {
    const writes: string[] = [];
    const log = jsonLogger({ write: (s: string) => writes.push(s) }, clock);
    log.info('request', { id: 'r1', status: 200 });
    log.warn('slow');
    expect(writes).toEqual([
      '{"time":"2026-12-01T10:00:00.000Z","level":"info","msg":"request","id":"r1","status":200}\n',
      '{"time":"2026-12-01T10:00:00.000Z","level":"warn","msg":"slow"}\n',
    ]);
  });

  it('buffered, writes the lines of one turn in one write at its end, in order, each line whole', async () => {
    const writes: string[] = [];
    let t = 0;
    const log = jsonLogger(
      { write: (s: string) => writes.push(s) },
      () => new Date(Date.UTC(2026, 11, 1, 10, 0, 0, t++)),
      { buffered: true },
    );
    log.info('a', { n: 1 });
    log.error('b', { error: 'boom' });
    expect(writes).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { time: '2026-12-01T10:00:00.000Z', level: 'info', msg: 'a', n: 1 },
      { time: '2026-12-01T10:00:00.001Z', level: 'error', msg: 'b', error: 'boom' },
    ]);
  });

  it('buffered, writes what is waiting on flush() and never more than 64 KiB at once in memory', () => {
    const writes: string[] = [];
    const log = jsonLogger({ write: (s: string) => writes.push(s) }, clock, { buffered: true });
    log.info('last words');
    log.flush();
    expect(writes.join('')).toContain('"msg":"last words"');
    writes.length = 0;
    for (let i = 0; i < 1000; i++) log.info('burst', { pad: 'x'.repeat(100), i });
    expect(writes.length).toBeGreaterThan(0);
    log.flush();
    const lines = writes.join('').split('\n').filter(Boolean);
    expect(lines.map((l) => JSON.parse(l).i)).toEqual([...Array(1000).keys()]);
  });
});
