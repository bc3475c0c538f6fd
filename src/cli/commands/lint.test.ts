import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readChecklist } from '../../markdown/index.js';
import { repairText } from '../../markdown/repair.js';
import { ConfigError } from '../../model/errors.js';
import { testTempDir } from '../../test-support/temp-dir.js';
import type { CliServices, CommandContext } from '../context.js';
import lint from './lint.js';

/** A context whose loadChecklist is the real reader over real files (no store or server is involved). */
function context(env: Record<string, string> = {}): { ctx: CommandContext; out: () => string } {
  let stdout = '';
  const services = {
    async loadChecklist(file: string, opts: { bind?: string } = {}) {
      const bind = opts.bind ? { text: await readFile(opts.bind, 'utf8'), file: opts.bind } : undefined;
      return readChecklist({
        bytes: await readFile(file),
        file,
        kinds: new Set(['http', 'env']),
        ...(bind ? { bindings: bind } : {}),
      });
    },
    async readSource(file: string) {
      return repairText(await readFile(file)).text;
    },
  } as Partial<CliServices> as CliServices;
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: () => true },
    isTTY: false,
    env,
    cwd: '.',
  };
  return { ctx: { io, services }, out: () => stdout };
}

const DOC = `${import.meta.dirname}/lint.fixture.md`;

describe('gonogo lint', () => {
  it('prints a readable outline with ids, titles, kinds, checks, advisory marks, warnings and counts', async () => {
    const { ctx, out } = context();
    expect(await lint.run([DOC], ctx)).toBe(0);
    const lines = out().split('\n');
    expect(lines.slice(0, 5)).toEqual([
      'Launch (lint-fixture)',
      expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      'launch 2026-12-01',
      'environments: production',
      'sign-offs required: engineering',
    ]);
    expect(lines).toContain(
      '    [ ]  checks/health-is-ready  Health is ready  http https://app:***@example.com/ready',
    );
    expect(lines).toContain('    [x]  checks/replicas-optional  Replicas (optional)  advisory');
    expect(lines).toContain('    [ ]  checks/rto  RTO: ______  field');
    expect(lines).toContain('    GO  go/restore-test-passed  restore test passed  criterion');
    expect(lines).toContain(
      '    [ ]  sign-off/engineering-lead  Engineering Lead: ____ Date: ____  signoff  role engineering',
    );
    // A warning longer than the width wraps, its continuation indented.
    expect(out().replace(/\n {2}/g, ' ')).toContain(
      `${DOC}:11:1: warning: check block is not inside a checklist item and is ignored; indent it under the item`,
    );
    expect(lines.at(-2)).toBe(
      '4 task-list items (2 task, 1 field, 1 sign-off), 1 criteria; 1 check; 1 checked',
    );
    expect(out()).not.toContain('s3cret');
  });

  it('fits every line to COLUMNS: titles are cut with …, marks move under a title that has no room', async () => {
    const { ctx, out } = context({ COLUMNS: '50' });
    expect(await lint.run([DOC], ctx)).toBe(0);
    const lines = out().trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(50);
    expect(lines).toContain('    [x]  checks/replicas-optional  Replicas (opti…');
    expect(lines).toContain('         advisory');
    expect(lines).toContain('    [ ]  checks/health-is-ready  Health is ready');
    expect(lines).toContain('         http https://app:***@example.com/ready');
    expect(lines).toContain('    [ ]  checks/rto  RTO: ______  field');
  });

  it.each([
    ['hold and every as written', 'hold: 24h\n  every: 1m', '[window 24h, every 1m]'],
    ['every from its default', 'hold: 2h', '[window 2h, every 1m]'],
    ['a tolerance', 'hold: 24h\n  every: 5m\n  tolerance: 99.9%', '[window 24h, every 5m, tolerance 99.9%]'],
  ])('marks a windowed check: %s', async (_what, options, mark) => {
    const dir = testTempDir('gonogo-lint-window-');
    const file = join(dir, 'w.md');
    await writeFile(
      file,
      `# T\n- [ ] Stays up\n  \`\`\`check\n  http: https://example.com\n  ${options}\n  \`\`\`\n`,
    );
    const { ctx, out } = context();
    expect(await lint.run([file], ctx)).toBe(0);
    expect(out().split('\n')).toContain(`  [ ]  t/stays-up  Stays up  http https://example.com  ${mark}`);
  });

  it('prints the model as JSON, secrets redacted', async () => {
    const { ctx, out } = context();
    expect(await lint.run([DOC, '--format', 'json'], ctx)).toBe(0);
    const json = JSON.parse(out());
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining(['id', 'name', 'digest', 'items', 'signoffs', 'warnings']),
    );
    expect(json.items[0]).toMatchObject({
      id: 'checks/health-is-ready',
      title: 'Health is ready',
      kind: 'task',
      section: ['Launch', 'Checks'],
      checked: false,
      blocking: true,
      check: { kind: 'http', target: 'https://app:***@example.com/ready', line: 16, column: 3 },
      line: 15,
    });
    expect(json.items[1].check).toBeNull();
    expect(json.items.find((i: { kind: string }) => i.kind === 'criterion')).toMatchObject({
      polarity: 'go',
    });
    expect(json.environments.production.DATABASE_URL).toBe('postgres://gonogo:***@db/prod');
    expect(json.notify[0].secret).toBe('[redacted]');
    expect(out()).not.toContain('s3cret');
  });

  it.each([
    [['--format', 'yaml', DOC], /--format must be text or json/],
    [[], /missing FILE/],
    [[DOC, 'extra'], /unexpected argument "extra"/],
    [[DOC, '--verbose'], /Unknown option '--verbose'/],
  ])('rejects bad usage %j', async (args, message) => {
    const { ctx } = context();
    await expect(lint.run(args, ctx)).rejects.toThrow(ConfigError);
    await expect(lint.run(args, ctx)).rejects.toThrow(message);
  });
});
