import { copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, SHARED } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

/** Seed 004 (120+ items, long ids) read at a terminal: fitted to its width, cut to what blocks GO. */

const dir = blockTempDir('gonogo-readable-');
const SEED = '004.md';
const ATTESTED = 'database/set-up-daily-backups';

beforeAll(async () => {
  await copyFile(join(SHARED, 'seeds/004-production-checklist.md'), join(dir, SEED));
  const r = await cli(['attest', SEED, ATTESTED, '--evidence', 'backups run nightly', '--by', 'ana']);
  expect(r.stderr).toBe('');
}, 120_000);

function cli(args: string[], env: Record<string, string> = {}) {
  return runCli(args, {
    cwd: dir,
    env: { GONOGO_DB: join(dir, 'g.db'), GONOGO_NOW: '2026-12-01T09:00:00Z', ...env },
  });
}

describe('text report width', () => {
  it.each([60, 80, 120])(
    'no line of seed 004 is longer than COLUMNS=%i',
    async (width) => {
      const r = await cli(['status', SEED], { COLUMNS: String(width), FORCE_COLOR: '1', NO_COLOR: '' });
      expect(r.code).toBe(1);
      const lines = stripVTControlCharacters(r.stdout).split('\n');
      const long = lines.filter((l) => [...l].length > width);
      expect(long).toEqual([]);
      // Long ids are broken at the edge, not lost.
      expect(lines.join('\n')).toContain(
        'database/set-up-production-postgresql-instance'.slice(0, width - 12),
      );
    },
    120_000,
  );
});

describe('--only failing', () => {
  it('text: lists only blocking problems and missing sign-offs, the summary stays whole', async () => {
    const all = await cli(['status', SEED]);
    const failing = await cli(['status', SEED, '--only', 'failing']);
    expect(failing.code).toBe(1);
    expect(all.stdout).toContain('Set up daily backups');
    expect(failing.stdout).not.toContain('Set up daily backups');
    expect(failing.stdout).toContain('Set up production PostgreSQL instance');
    expect(failing.stdout).toMatch(/engineering\s+missing/);
    // Post-launch items never block GO.
    expect(failing.stdout).not.toContain('After launch:');
    const summary = (s: string) => s.match(/\d+ items: [^(]*skipped/)?.[0];
    expect(summary(failing.stdout)).toBe(summary(all.stdout));
  }, 120_000);

  it('markdown and json filter the items too', async () => {
    const md = await cli(['status', SEED, '--only', 'failing', '--format', 'markdown']);
    expect(md.stdout).not.toContain('Set up daily backups');
    expect(md.stdout).toContain('Set up production PostgreSQL instance');
    const json = JSON.parse((await cli(['status', SEED, '--only', 'failing', '--format', 'json'])).stdout);
    const ids = json.items.map((i: { id: string }) => i.id);
    expect(ids).not.toContain(ATTESTED);
    expect(ids.length).toBeGreaterThan(0);
    expect(json.items.every((i: { status: string }) => i.status !== 'pass')).toBe(true);
    expect(json.signoffs.every((s: { by: string | null }) => s.by === null)).toBe(true);
  }, 120_000);

  it('run takes it too', async () => {
    const r = await cli(['run', SEED, '--only', 'failing', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).items.map((i: { id: string }) => i.id)).not.toContain(ATTESTED);
  }, 120_000);

  it('an unknown --only value is a usage error naming the choices', async () => {
    const r = await cli(['status', SEED, '--only', 'broken']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('all, failing');
  }, 120_000);
});

describe('lint: did you mean', () => {
  it.each([
    ['a check kind', 'htp: https://example.com', 'did you mean "http"?'],
    ['an option', 'http: https://example.com\n  timout: 5s', 'did you mean "timeout"?'],
    ['a CEL variable', 'http: https://example.com\n  expect:\n    - stauts == 200', 'did you mean "status"?'],
  ])(
    '%s',
    async (_what, block, hint) => {
      const name = `typo-${hint.length}-${block.length}.md`;
      await writeFile(join(dir, name), `# T\n## S\n- [ ] A\n  \`\`\`check\n  ${block}\n  \`\`\`\n`);
      const r = await cli(['lint', name]);
      expect(r.code).toBe(2);
      expect(r.stderr + r.stdout).toContain(hint);
    },
    120_000,
  );
});
