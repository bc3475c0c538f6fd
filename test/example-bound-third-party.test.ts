import { cp, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/**
 * examples/bound-third-party through the real CLI: an untouched document, its bindings file with front
 * matter keys, and a project file; no `--bind` or `--env` anywhere, and the launch reaches GO.
 */

const EXAMPLE = join(ROOT, 'examples', 'bound-third-party');

const dir = blockTempDir('gonogo-example-bound-');
let target: Server;
let base: string;

beforeAll(async () => {
  // A copy: the store the commands create stays out of the repository.
  await cp(EXAMPLE, dir, { recursive: true });
  target = createServer((req, res) => {
    res.writeHead(req.url === '/healthz' || req.url === '/readyz' ? 200 : 404, {
      'content-type': 'application/json',
      'x-request-id': 'req-1',
    });
    res.end('{"db":"ok"}');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => target.close(r));
});

const gonogo = (args: string[]) =>
  runCli(args, {
    cwd: dir,
    env: {
      BASE_URL: base,
      LOG_LEVEL: 'info',
      GONOGO_USER: 'ana',
      GONOGO_DB: undefined,
      GONOGO_CACHE: 'off',
      GONOGO_NOW: '2026-11-25T09:00:00Z',
    },
  });

describe('examples/bound-third-party', () => {
  it('keeps the third-party document free of gonogo syntax', async () => {
    const doc = await readFile(join(EXAMPLE, 'vendor-launch.md'), 'utf8');
    expect(doc.startsWith('---')).toBe(false);
    expect(doc).not.toContain('```check');
  });

  it('lints, runs, is attested and signed off, and reaches GO with no --bind or --env', async () => {
    const lint = await gonogo(['lint', 'vendor-launch.md', '--format', 'json']);
    expect(lint.code, lint.stderr).toBe(0);
    const model = JSON.parse(lint.stdout) as {
      launch: string;
      signoffs: string[];
      items: { id: string; kind: string; check: unknown }[];
    };
    expect(model.launch).toBe('2026-12-01');
    expect(model.signoffs).toEqual(['engineering', 'sre']);
    expect(model.items.filter((i) => i.check).length).toBe(4);

    const run = await gonogo(['run', 'vendor-launch.md', '--format', 'json']);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as { environment: string; items: { id: string; status: string }[] };
    expect(report.environment).toBe('local');
    const checked = new Set(model.items.filter((i) => i.check).map((i) => i.id));
    expect(report.items.filter((i) => checked.has(i.id)).map((i) => i.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
    ]);

    for (const item of model.items.filter((i) => !i.check && (i.kind === 'task' || i.kind === 'field'))) {
      const value = item.kind === 'field' ? ['--value', '4h'] : [];
      const r = await gonogo(['attest', 'vendor-launch.md', item.id, '--evidence', 'OPS-42', ...value]);
      expect(r.code, r.stderr).toBe(0);
    }
    for (const role of model.signoffs) {
      const r = await gonogo(['signoff', 'vendor-launch.md', '--role', role]);
      expect(r.code, r.stderr).toBe(0);
      // Its printed next step runs as printed and says GO once both have signed.
      const next = /^next: gonogo (.+)$/m.exec(r.stdout)![1]!.split(' ');
      const status = await gonogo(next);
      expect(status.code, status.stderr).toBe(role === 'sre' ? 0 : 1);
    }
  });
});
