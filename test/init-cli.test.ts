import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** `gonogo init` on a copy of seed 000, then `lint` and `run` straight after, through the real CLI. */

const dir = blockTempDir('gonogo-init-');
let target: Server;
let base: string;

beforeAll(async () => {
  // A stand-in for the team's service: every endpoint answers like a healthy one.
  target = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'r1' });
    res.end('{"ok":true,"status":"ok","db":"ok"}');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => target.close(r));
});

const gonogo = (cwd: string, args: string[]) =>
  runCli(args, {
    cwd,
    env: { GONOGO_CACHE: 'off', GONOGO_DB: undefined, BASE_URL: base, GONOGO_NOW: '2026-11-20T09:00:00Z' },
  });

describe('gonogo init', () => {
  it('writes gonogo.yaml and bindings for seed 000, so lint and run work straight after', async () => {
    const cwd = join(dir, 'seed');
    await mkdir(cwd);
    await copyFile(join(SHARED, 'seeds', '000-enterprise-go-live.md'), join(cwd, 'launch.md'));
    const original = await readFile(join(cwd, 'launch.md'));
    const init = await gonogo(cwd, ['init', 'launch.md']);
    expect(init.code, init.stderr).toBe(0);
    expect(await readFile(join(cwd, 'gonogo.yaml'), 'utf8')).toContain(
      '  - file: launch.md\n    bind: launch.gonogo.yaml\n',
    );
    expect(await readFile(join(cwd, 'launch.md'))).toEqual(original);

    const lint = await gonogo(cwd, ['lint', 'launch.md', '--format', 'json']);
    expect(lint.code, lint.stderr).toBe(0);
    const model = JSON.parse(lint.stdout) as { items: { check: unknown }[] };
    expect(model.items.filter((i) => i.check).length).toBeGreaterThan(0);

    const run = await gonogo(cwd, ['run', 'launch.md', '--format', 'json']);
    expect([0, 1], run.stderr).toContain(run.code);
    const report = JSON.parse(run.stdout) as { items: { status: string; id: string }[] };
    expect(report.items.some((i) => i.status === 'pass')).toBe(true);

    // Its printed next steps run as printed.
    for (const [, line] of init.stdout.matchAll(/^next: gonogo (.+)$/gm)) {
      const r = await gonogo(cwd, line!.split(' '));
      expect([0, 1], `${line}: ${r.stderr}`).toContain(r.code);
    }
  });

  it('refuses to replace a file, and then writes nothing', async () => {
    const cwd = join(dir, 'taken');
    await mkdir(cwd);
    await writeFile(join(cwd, 'launch.md'), '# Launch\n- [ ] GET /health → 200\n');
    await writeFile(join(cwd, 'launch.gonogo.yaml'), '# mine\n');
    const r = await gonogo(cwd, ['init', 'launch.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('launch.gonogo.yaml exists');
    expect(await readFile(join(cwd, 'launch.gonogo.yaml'), 'utf8')).toBe('# mine\n');
    await expect(readFile(join(cwd, 'gonogo.yaml'))).rejects.toThrow();

    const empty = await gonogo(cwd, ['init']);
    expect(empty.code, empty.stderr).toBe(0);
    const again = await gonogo(cwd, ['init']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('gonogo.yaml exists');
  });

  it('refuses a checklist that does not load (exit 2, located)', async () => {
    const cwd = join(dir, 'bad');
    await mkdir(cwd);
    await writeFile(join(cwd, 'launch.md'), '---\nlaunch: soon\n---\n# L\n- [ ] a\n');
    const r = await gonogo(cwd, ['init', 'launch.md']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('launch.md:2:');
  });
});
