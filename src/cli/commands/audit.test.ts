import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../engine/store.js';
import { openStore } from '../../store/index.js';
import { runCli } from '../../test-support/cli.js';
import { blockTempDir } from '../../test-support/temp-dir.js';

const dir = blockTempDir('gonogo-audit-');
const db = join(dir, 'gonogo.db');
const gonogo = (args: string[]) => runCli([...args, '--db', db], { cwd: dir });

beforeAll(async () => {
  const store = await openStore(db);
  try {
    for (let i = 1; i <= 12; i++) {
      // Through the store's write path: since migration 003 an attestation event needs its row.
      await store.addAttestation({
        checklist: 'launch',
        environment: 'production',
        item: `ops/step-${i}`,
        evidence: 'ok',
        by: `person-${i}`,
        at: `2026-11-20T10:${String(i).padStart(2, '0')}:00Z`,
      });
    }
  } finally {
    await store.close();
  }
});

describe('gonogo audit', () => {
  it('verify on an empty store says nothing is recorded yet', async () => {
    const empty = join(dir, 'empty.db');
    await (await openStore(empty)).close();
    const r = await runCli(['audit', 'verify', '--db', empty], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit log intact: 0 events \(nothing recorded yet; check --db/);
  });

  it.each([['verify'], ['list']])(
    '%s with a --db that names no store is an error, and creates none',
    async (sub) => {
      const missing = join(dir, 'typo', 'gonogo.db');
      const r = await runCli(['audit', sub, '--db', missing], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `no store at ${missing}: nothing has been recorded there; check --db or GONOGO_DB`,
      );
      expect(existsSync(join(dir, 'typo'))).toBe(false);
    },
  );

  it('list pages with --after and --limit, in order', async () => {
    const r = await gonogo(['audit', 'list', '--after', '3', '--limit', '4', '--format', 'json']);
    expect(r.code).toBe(0);
    const events = JSON.parse(r.stdout) as AuditEvent[];
    expect(events.map((e) => e.seq)).toEqual([4, 5, 6, 7]);
    expect(events[0]!.prevHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('list prints one readable line per event and says how to continue', async () => {
    const r = await gonogo(['audit', 'list', '--limit', '2']);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      '#1  2026-11-20T10:01:00.000Z  item.attested       person-1  launch/production  {"evidence":"ok","item":"ops/step-1"}',
      '#2  2026-11-20T10:02:00.000Z  item.attested       person-2  launch/production  {"evidence":"ok","item":"ops/step-2"}',
    ]);
    expect(r.stderr).toBe('more may follow: gonogo audit list --after 2\n');
    const end = await gonogo(['audit', 'list', '--after', '12']);
    expect(end.stdout).toBe('no events after #12\n');
  });

  it('verify --format json reports the count and head', async () => {
    const r = await gonogo(['audit', 'verify', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, count: 12, head: { seq: 12 } });
  });

  it.each([
    [['audit'], /missing verify or list/],
    [['audit', 'show'], /unknown audit command "show"/],
    [['audit', 'list', '--limit', '5000'], /--limit 5000: give a whole number from 1 to 1000/],
    [['audit', 'list', '--after', '-1'], /--after/],
    [['audit', 'verify', '--after', '3'], /--after and --limit belong to audit list/],
    [['audit', 'list', '--format', 'xml'], /unknown format "xml"; use text or json/],
  ])('refuses %j with exit 2', async (args, message) => {
    const r = await gonogo(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
