import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../app/services.js';
import { blockTempDir } from '../../test-support/temp-dir.js';
import type { Io } from '../context.js';
import { reportError } from '../main.js';
import run from './run.js';

/** The run command in-process, with a pretend terminal: what a person at a TTY sees. */

let server: Server;
const dir = blockTempDir('gonogo-run-cmd-');
let file: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(req.url?.startsWith('/bad') ? 500 : 200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  file = join(dir, 'many.md');
  const items: string[] = [];
  for (let i = 0; i < 30; i++) {
    const path = i % 3 === 0 ? `/bad/${i}` : `/ok/${i}`;
    items.push(`- [ ] Endpoint ${i}`, '  ```check', `  http: ${base}${path}`, '  ```');
  }
  await writeFile(file, ['# Many', '## Endpoints', ...items, ''].join('\n'));
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function runInTerminal(args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    isTTY: true,
    env: { ...env },
    cwd: dir,
  };
  const argv = ['run', file, '--db', join(dir, 'store.db'), ...args];
  const services = createServices(argv, io);
  try {
    const ctx = { io, services };
    // The dispatcher finds built commands (.js); here the source is tested directly.
    const code = await run.run(argv.slice(1), ctx).catch((err) => reportError(err, ctx));
    return { code, stdout, stderr };
  } finally {
    await services.dispose();
  }
}

describe('run on a terminal', () => {
  it('shows a live progress line on stderr and erases it before the report', async () => {
    const r = await runInTerminal([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('\r\x1b[2Kchecking 30/30 · 10 failing');
    expect(r.stderr.endsWith('\r\x1b[2K')).toBe(true);
    expect(r.stdout).toContain('\x1b[31mFAIL');
  });

  it('respects NO_COLOR', async () => {
    const r = await runInTerminal([], { NO_COLOR: '1' });
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toContain('  FAIL     Endpoint 0\n');
  });

  it('prints no progress line for machine formats', async () => {
    const r = await runInTerminal(['--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).summary).toMatchObject({ pass: 20, fail: 10 });
  });
});
