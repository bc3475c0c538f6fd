import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { SHARED } from '../src/test-support/cli.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** Phases over the API: the checklist model and the preflight verdict of seeds 004 and 001. */

const dir = blockTempDir('gonogo-phases-api-');
let store: Store;
let server: RunningServer;
const token = `gng_test_phases_${Math.random().toString(36).slice(2)}`;
// Ten days after the launch written into the copies below.
const clock = Date.parse('2027-03-11T09:00:00Z');

// biome-ignore lint/suspicious/noExplicitAny: response bodies asserted field by field
async function get(path: string): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  for (const [id, name] of [
    ['production', '004-production-checklist.md'],
    ['program', '001-post-launch-90-day-program.md'],
  ] as const) {
    const text = await readFile(`${SHARED}seeds/${name}`, 'utf8');
    await writeFile(join(dir, `${id}.md`), `---\nid: ${id}\nlaunch: 2027-03-01\n---\n${text}`);
  }
  store = await openStore(join(dir, 'gonogo.db'));
  await store.createToken({ name: 'op', role: 'operator', signoffRoles: [], hash: hashToken(token) }, 'test');
  server = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(clock),
    },
  );
});

afterAll(async () => {
  await server?.close();
});

describe('phases over the API', () => {
  it('GET /checklists/{id} gives every item its phase, recurring items their period', async () => {
    const r = await get('/api/v1/checklists/production');
    expect(r.status).toBe(200);
    const items = r.json.items as { phase: string; title: string; recurs?: string }[];
    expect(items.filter((i) => i.phase === 'post-launch')).toHaveLength(29);
    expect(items.filter((i) => i.phase === 'pre-launch')).toHaveLength(111);
    expect(items.find((i) => i.title === 'Monthly dependency updates')?.recurs).toBe('30d');
  });

  it('preflight lists the program after launch apart and never names it in reasons', async () => {
    const r = await get('/api/v1/checklists/production/preflight?env=default');
    expect(r.status).toBe(200);
    const after = r.json.after_launch as string[];
    expect(after).toHaveLength(29);
    expect(r.json.launched).toBe(true);
    const named = (r.json.reasons as { item?: string }[]).filter((x) => x.item && after.includes(x.item));
    expect(named).toEqual([]);
    const firstWeek = (r.json.items as { section: string[]; overdue: boolean; phase: string }[]).filter(
      (i) => i.section.at(-1) === 'First Week',
    );
    expect(firstWeek.map((i) => [i.phase, i.overdue])).toEqual(Array(7).fill(['post-launch', true]));
  });

  it('the program of seed 001: workstreams and reviews in the model and the preflight', async () => {
    const model = await get('/api/v1/checklists/program');
    const kinds = (model.json.items as { kind: string }[]).map((i) => i.kind);
    expect(kinds.filter((k) => k === 'workstream')).toHaveLength(18);
    expect(kinds.filter((k) => k === 'review')).toHaveLength(3);
    const pre = await get('/api/v1/checklists/program/preflight?env=default');
    expect(pre.json.after_launch).toHaveLength(27);
    expect(pre.json.verdict).toBe('GO');
  });
});
