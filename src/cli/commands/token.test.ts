import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../engine/store.js';
import { openStore } from '../../store/index.js';
import { runCli } from '../../test-support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'gonogo-token-'));
const db = join(dir, 'gonogo.db');
const gonogo = (args: string[]) =>
  runCli([...args, '--db', db], { cwd: dir, env: { GONOGO_USER: 'admin-ana' } });

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gonogo token create', () => {
  it('prints the token alone, stores only its hash and logs it without secrets', async () => {
    const r = await gonogo([
      'token',
      'create',
      '--name',
      'release-bot',
      '--role',
      'approver',
      '--signoff-roles',
      'security, ops',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gng_[A-Za-z0-9_-]{43}\n$/);
    expect(r.stderr).toMatch(/approver token "release-bot".*shown only this once/);
    const token = r.stdout.trim();
    const hash = createHash('sha256').update(token).digest('hex');

    const store = await openStore(db);
    try {
      expect(await store.findToken(hash)).toMatchObject({
        name: 'release-bot',
        role: 'approver',
        signoffRoles: ['security', 'ops'],
      });
    } finally {
      await store.close();
    }

    const log = await gonogo(['audit', 'list', '--format', 'json']);
    const events = JSON.parse(log.stdout) as AuditEvent[];
    expect(events).toEqual([
      expect.objectContaining({
        type: 'token.created',
        actor: 'admin-ana',
        data: { id: 1, name: 'release-bot', role: 'approver', signoffRoles: ['security', 'ops'] },
      }),
    ]);
    expect(log.stdout).not.toContain(token);
    expect(log.stdout).not.toContain(hash);
  });

  it('gives a different token every time', async () => {
    const a = await gonogo(['token', 'create', '--name', 'a', '--role', 'viewer']);
    const b = await gonogo(['token', 'create', '--name', 'b', '--role', 'viewer']);
    expect(a.stdout).not.toBe(b.stdout);
  });

  it.each([
    [['token', 'create', '--role', 'viewer'], /missing --name/],
    [
      ['token', 'create', '--name', 'x', '--role', 'root'],
      /--role root: use one of viewer, operator, approver, admin/,
    ],
    [
      ['token', 'create', '--name', 'x', '--role', 'operator', '--signoff-roles', 'security'],
      /needs --role approver/,
    ],
    [['token', 'delete', '--name', 'x'], /unknown token command "delete"/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await gonogo(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });
});
