import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../engine/store.js';
import { openStore } from '../../store/index.js';
import { runCli } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

const dir = blockTempDir('gonogo-token-');
const db = join(dir, 'gonogo.db');
const gonogo = (args: string[]) =>
  runCli([...args, '--db', db], { cwd: dir, env: { GONOGO_USER: 'admin-ana' } });

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

describe('gonogo token list and revoke', () => {
  const dir2 = blockTempDir('gonogo-token-list-');
  const db2 = join(dir2, 'gonogo.db');
  const NOW = '2026-11-20T10:00:00.000Z';
  const cli = (args: string[], now = NOW) =>
    runCli([...args, '--db', db2], { cwd: dir2, env: { GONOGO_USER: 'admin-ana', GONOGO_NOW: now } });

  it('lists tokens with person, expiry and state (never a secret), revokes by name and audits it', async () => {
    const created = await cli([
      'token',
      'create',
      '--name',
      'bo-laptop',
      '--role',
      'approver',
      '--signoff-roles',
      'security',
      '--person',
      'Bo Berg',
      '--expires',
      '90d',
    ]);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain('for Bo Berg');
    const secret = created.stdout.trim();
    await cli(['token', 'create', '--name', 'ci', '--role', 'operator']);

    const listed = await cli(['token', 'list', '--format', 'json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toContain(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.parse(listed.stdout).tokens).toEqual([
      {
        id: 1,
        name: 'bo-laptop',
        role: 'approver',
        signoff_roles: ['security'],
        person: 'Bo Berg',
        created: NOW,
        expires: '2027-02-18T10:00:00.000Z',
        last_used: null,
        revoked: null,
        state: 'active',
      },
      expect.objectContaining({ id: 2, name: 'ci', person: null, expires: null, state: 'active' }),
    ]);

    // After its expiry (GONOGO_NOW rehearses the day) the token is listed as expired.
    const later = await cli(['token', 'list'], '2027-03-01T00:00:00Z');
    expect(later.stdout).toMatch(/bo-laptop .*person: Bo Berg.*expires 2027-02-18T10:00:00.000Z.*EXPIRED/);
    expect(later.stdout).toMatch(/ci {2}operator .*expires never/);

    const revoked = await cli(['token', 'revoke', 'ci']);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain('revoked token "ci" (id 2)');
    expect((await cli(['token', 'list'])).stdout).toMatch(
      /ci {2}operator .*REVOKED 2026-11-20T10:00:00.000Z/,
    );

    const log = JSON.parse((await cli(['audit', 'list', '--format', 'json'])).stdout) as AuditEvent[];
    expect(log.at(-1)).toMatchObject({
      type: 'token.revoked',
      actor: 'admin-ana',
      data: { id: 2, name: 'ci' },
    });
    expect(log[0]).toMatchObject({ type: 'token.created', data: { person: 'Bo Berg' } });

    const unknown = await cli(['token', 'revoke', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no token named "nobody"');
  });

  it.each([
    [['token', 'create', '--name', 'x', '--role', 'viewer', '--expires', 'soon'], /--expires soon: write/],
    [['token', 'create', '--name', 'x', '--role', 'viewer', '--expires', '2020-01-01'], /not in the future/],
    [['token', 'revoke'], /missing the name or id/],
    [['token', 'list', '--format', 'xml'], /unknown format "xml"/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
