import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { storeBackends } from '../src/store/test-support/backends.js';
import { createTempDatabase, type TempDatabase } from '../src/store/test-support/pg-database.js';
import { serviceAvailable } from '../src/test-support/services.js';
import { type ServeProcess, startServe } from './watch-support.js';

/**
 * The service under store faults and hostile text, through a real `gonogo serve`: PostgreSQL backends
 * terminated while clients write never take the process down, and NUL in evidence is refused alike on
 * both backends.
 */

const CHECKLIST = `---
id: launch
name: Launch
environments:
  production: {}
---
# Launch
- [ ] Runbook reviewed
`;

const TOKEN = 'gng_test_operator_store_faults';
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A `gonogo serve` on `db` with one operator token and the checklist above. */
async function serveOn(db: string, dir: string): Promise<ServeProcess> {
  writeFileSync(join(dir, 'launch.md'), CHECKLIST);
  const setup = await openStore(db);
  await setup.createToken(
    { name: 'operator', role: 'operator', signoffRoles: [], hash: hashToken(TOKEN) },
    'test',
  );
  await setup.close();
  const s = await startServe({ dir, db, env: { GONOGO_RATE_LIMIT: '100000' } });
  cleanups.push(() => s.stop());
  return s;
}

function attest(s: ServeProcess, evidence: string): Promise<Response> {
  return fetch(`${s.url}/api/v1/checklists/launch/attestations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ env: 'production', item: 'Runbook reviewed', evidence }),
  });
}

const pgUp = await serviceAvailable('postgres');

describe('PostgreSQL backends terminated while 4 clients write', () => {
  it.skipIf(!pgUp)(
    'the server stays up, answers 201 or 503, and every acknowledged attestation is in the chain',
    async () => {
      const tmp: TempDatabase = await createTempDatabase('store_faults');
      cleanups.push(() => tmp.drop());
      const dir = mkdtempSync(join(tmpdir(), 'gonogo-faults-'));
      cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
      const server = await serveOn(tmp.url, dir);

      const CLIENTS = 4;
      const PER_CLIENT = 50;
      const statuses = new Map<number, number>();
      const acknowledged: string[] = [];
      const failures: string[] = [];
      let terminated = 0;
      let done = 0;
      // Kills run one at a time, each started by progress (every 8th answer), never by a timer.
      let killing: Promise<void> = Promise.resolve();
      const kill = () => {
        killing = killing.then(async () => {
          const r = await tmp.query(
            'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
            [tmp.name],
          );
          terminated += r.rowCount ?? 0;
          const live = await fetch(`${server.url}/health/live`).catch((e: Error) => e);
          if (!(live instanceof Response) || live.status !== 200)
            failures.push(`/health/live: ${String(live)}`);
        });
      };

      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          for (let i = 0; i < PER_CLIENT; i++) {
            const evidence = `drill w${c}-${i}`;
            try {
              const res = await attest(server, evidence);
              const body = await res.text();
              statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
              if (res.status === 201) acknowledged.push(evidence);
              else if (res.status !== 503) failures.push(`${res.status} ${body}`);
              else expect(res.headers.get('content-type')).toContain('application/problem+json');
            } catch (err) {
              failures.push(`request failed: ${String(err)}`);
            }
            if (++done % 8 === 0) kill();
          }
        }),
      );
      await killing;

      expect(failures).toEqual([]);
      expect(server.child.exitCode).toBeNull();
      expect(terminated).toBeGreaterThan(0);
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
      // The pool recovered: a write after the storm is acknowledged.
      expect((await attest(server, 'after the storm')).status).toBe(201);
      acknowledged.push('after the storm');
      expect([...statuses.keys()].every((s) => s === 201 || s === 503)).toBe(true);

      const store = await openStore(tmp.url);
      try {
        expect(await store.verifyAudit()).toMatchObject({ ok: true });
        const events = await store.listAudit({ limit: 1000 });
        const recorded = new Set(
          events.filter((e) => e.type === 'item.attested').map((e) => e.data.evidence),
        );
        expect(acknowledged.filter((e) => !recorded.has(e))).toEqual([]);
      } finally {
        await store.close();
      }
      expect(server.log()).not.toMatch(/Unhandled|57P01.*uncaught/i);
    },
    180_000,
  );
});

describe.each(await storeBackends())('evidence holding NUL on $name', ({ name, available, make }) => {
  it.skipIf(!available)('is refused with 400 naming the field, and nothing is recorded', async () => {
    const backend = await make(`nul_${name}`);
    cleanups.push(() => backend.cleanup());
    const server = await serveOn(backend.url, backend.dir);
    const res = await attest(server, 'drill\u0000done');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await res.json()) as { field?: string; detail: string };
    expect(problem).toMatchObject({ status: 400, field: 'evidence' });
    expect(problem.detail).toMatch(/evidence contains a NUL character/);
    expect((await attest(server, 'drill done')).status).toBe(201);
    const store = await openStore(backend.url);
    try {
      const attested = (await store.listAudit({ limit: 1000 })).filter((e) => e.type === 'item.attested');
      expect(attested.map((e) => e.data.evidence)).toEqual(['drill done']);
    } finally {
      await store.close();
    }
  });
});
