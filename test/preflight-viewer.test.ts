import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/app/serve.js';
import type { Store } from '../src/engine/store.js';
import { type InProcessServer, startInProcess } from './server-support.js';

/**
 * DESIGN: "A viewer never causes checks to run". The checklist's `command` check leaves a line in a
 * file each time it runs, so a run caused by anyone shows.
 */

let dir: string;
let store: Store;
let server: RunningServer;
let tokens: Record<string, string>;
let clock = Date.parse('2026-11-20T10:00:00Z');

const marker = () => join(dir, 'ran.log');
const commandRuns = async () =>
  (await readFile(marker(), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

async function preflight(who: string, query = '') {
  const r = await fetch(`${server.url}/api/v1/checklists/launch/preflight?env=default${query}`, {
    headers: { authorization: `Bearer ${tokens[who]}` },
  });
  return {
    status: r.status,
    json: (await r.json()) as Record<string, unknown> & { items: { status: string }[] },
  };
}

const storedRuns = async () => (await store.listRuns('launch', 'default', { limit: 1000 })).length;

let running: InProcessServer | undefined;

beforeAll(async () => {
  running = await startInProcess({
    prefix: 'gonogo-preflight-viewer-',
    files: (dir) => ({
      'launch.md': `---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Smoke test passes\n  \`\`\`check\n  command: echo ran >> ${join(dir, 'ran.log')}\n  \`\`\`\n`,
    }),
    tokens: [
      { name: 'viewer', role: 'viewer' },
      { name: 'operator', role: 'operator' },
    ],
    // No stored-answer reuse, so every call below is decided afresh.
    config: { preflightCacheMs: 0 },
    now: () => new Date(clock),
  });
  ({ dir, store, server, tokens } = running);
});

afterAll(async () => {
  await running?.close();
});

describe('preflight for a viewer', () => {
  it('never runs the checks when there is no run at all: the stored verdict, items pending', async () => {
    for (const query of ['', '&max_age=0s']) {
      const r = await preflight('viewer', query);
      expect(r.status).toBe(200);
      expect(r.json.verdict).toBe('NO-GO');
      expect(r.json.items[0]!.status).toBe('pending');
      expect(r.json.run).toBeUndefined();
    }
    expect(await storedRuns()).toBe(0);
    expect(await commandRuns()).toBe(0);
  });

  it('answers max_age=0s from the latest run instead of running again', async () => {
    const op = await preflight('operator', '&max_age=0s');
    expect(op.json.verdict).toBe('GO');
    expect(await commandRuns()).toBe(1);
    for (let i = 0; i < 3; i++) {
      clock += 60_000;
      const v = await preflight('viewer', '&max_age=0s');
      expect(v.json).toMatchObject({ verdict: 'GO', run: op.json.run });
    }
    // Even long after the server's default max age, a viewer gets the stored verdict.
    clock += 24 * 3_600_000;
    expect((await preflight('viewer')).json.run).toBe(op.json.run);
    expect(await storedRuns()).toBe(1);
    expect(await commandRuns()).toBe(1);
  });

  it('still runs the checks for an operator whose max_age has passed, and refuses a bad max_age for anyone', async () => {
    clock += 60_000;
    const op = await preflight('operator', '&max_age=30s');
    expect(await commandRuns()).toBe(2);
    expect(await storedRuns()).toBe(2);
    expect((await preflight('viewer', '&max_age=0s')).json.run).toBe(op.json.run);
    const bad = await preflight('viewer', '&max_age=soon');
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe('max_age');
  });
});
