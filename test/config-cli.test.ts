import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** GONOGO_* settings through the real CLI: checked by the commands that use them, and only those. */

const dir = blockTempDir('gonogo-config-');
let file: string;

beforeAll(async () => {
  file = join(dir, 'launch.md');
  await writeFile(file, '# Launch\n\n- [ ] Backups restore\n');
});

/** One bad value in every variable that has a check. */
const ALL_BAD = {
  GONOGO_NOW: 'tomorrow',
  GONOGO_CACHE: 'maybe',
  GONOGO_RATE_LIMIT: 'lots',
  GONOGO_AUTH_FAILURE_LIMIT: '-1',
  GONOGO_PREFLIGHT_MAX_AGE: 'soon',
  GONOGO_PUBLIC_URL: 'gonogo.example.com',
  GONOGO_TRUST_PROXY: 'ture',
  GONOGO_WATCH_TICK: '1ms',
  GONOGO_LEASE_TTL: 'soon',
  GONOGO_NOTIFY_RETRY_DELAY: 'later',
  GONOGO_NOTIFY_ATTEMPTS: 'many',
};

describe('configuration errors', () => {
  it('never stop --help', async () => {
    const r = await runCli(['--help'], { cwd: dir, env: ALL_BAD });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Commands:');
  });

  it('in server settings do not stop commands that do not serve', async () => {
    const { GONOGO_NOW: _now, GONOGO_CACHE: _cache, ...serverOnly } = ALL_BAD;
    const r = await runCli(['lint', file], { cwd: dir, env: serverOnly });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.each<[string, string[], Record<string, string>, string]>([
    [
      'serve, before opening the store',
      ['serve', '--checklists', '.', '--port', '0'],
      { GONOGO_RATE_LIMIT: 'lots' },
      'gonogo: GONOGO_RATE_LIMIT="lots" is not accepted; use a whole number, 0 or more\n',
    ],
    [
      'serve, for a watch setting',
      ['serve', '--checklists', '.', '--port', '0'],
      { GONOGO_LEASE_TTL: '100ms' },
      'gonogo: GONOGO_LEASE_TTL="100ms" is not accepted; use a duration of 300ms or more, e.g. 10s\n',
    ],
    [
      'status, for the clock',
      ['status', 'launch.md'],
      { GONOGO_NOW: 'tomorrow' },
      'gonogo: GONOGO_NOW="tomorrow" is not accepted; use an ISO date-time, e.g. 2026-12-01T09:00:00Z\n',
    ],
    [
      'attest, for the parse cache',
      ['attest', 'launch.md', 'launch/backups-restore', '--evidence', 'restored', '--by', 'ana'],
      { GONOGO_CACHE: 'maybe' },
      'gonogo: GONOGO_CACHE="maybe" is not accepted; use one of 1, true, yes, on (or 0, false, no, off)\n',
    ],
  ])('stop %s with exit 2 naming the variable', async (_what, args, env, message) => {
    const db = join(dir, `${Object.keys(env)[0]}.db`);
    const r = await runCli(args, { cwd: dir, env: { ...env, GONOGO_DB: db } });
    expect(r.stderr).toBe(message);
    expect(r.code).toBe(2);
    expect(existsSync(db), 'nothing was written').toBe(false);
  });
});
