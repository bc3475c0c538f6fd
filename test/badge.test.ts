import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { blockTempDir } from '../src/test-support/temp-dir.js';

/** Status badges over real HTTP: public only where the front matter says so, from stored state. */

const dir = blockTempDir('gonogo-badge-');
let store: Store;
let server: RunningServer;
let viewer: string;

const PUBLIC = `---
id: public-launch
badge: public
environments:
  staging: {}
  production: {}
---
# Public launch
## Ops
- [ ] Backups restored
- [x] Runbook written
- [ ] Status page linked (optional)
`;
const PRIVATE = `---
id: secret-launch
---
# Secret launch
- [ ] Only item
`;

beforeAll(async () => {
  await writeFile(join(dir, 'public.md'), PUBLIC);
  await writeFile(join(dir, 'private.md'), PRIVATE);
  store = await openStore(join(dir, 'gonogo.db'));
  viewer = `gng_badge_${Math.random().toString(36).slice(2)}`;
  await store.createToken({ name: 'viewer', role: 'viewer', signoffRoles: [], hash: hashToken(viewer) }, 't');
  server = await startServer(
    { checklists: dir, host: '127.0.0.1', port: 0, logger: silentLogger },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
});

afterAll(async () => {
  await server?.close();
});

const get = (path: string, token?: string) =>
  fetch(`${server.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('status badges', () => {
  it.each([
    ['a public badge without a token', 200, '/badge/public-launch.svg?env=production', undefined],
    ['a public JSON badge without a token', 200, '/badge/public-launch.json?env=staging', undefined],
    ['a private badge without a token', 401, '/badge/secret-launch.svg', undefined],
    ['a private JSON badge without a token', 401, '/badge/secret-launch.json', undefined],
    ['a private badge with a bad token', 401, '/badge/secret-launch.svg', 'gng_wrong'],
    ['a private badge with a viewer token', 200, '/badge/secret-launch.svg', 'viewer'],
    ['an unknown checklist', 404, '/badge/nope.svg', undefined],
    ['an unknown checklist with a token', 404, '/badge/nope.json', 'viewer'],
    ['an unknown environment', 404, '/badge/public-launch.svg?env=moon', undefined],
  ])('%s answers %i', async (_what, status, path, who) => {
    const res = await get(path, who === 'viewer' ? viewer : who);
    expect(res.status).toBe(status);
    if (status !== 200) expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('draws the verdict and progress as valid SVG with an accessible title', async () => {
    const res = await get('/badge/public-launch.svg?env=production');
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = await res.text();
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
    expect(doc.svg['@_role']).toBe('img');
    expect(doc.svg.title).toBe('public-launch · production: NO-GO, 1 of 2 blocking items clear');
    expect(svg).toContain('NO-GO · 1/2 clear');
    expect(svg).toContain('#cf222e');
  });

  it('answers the shields.io endpoint schema and turns green on GO', async () => {
    const before = await (await get('/badge/public-launch.json?env=staging')).json();
    expect(before).toEqual({
      schemaVersion: 1,
      label: 'public-launch · staging',
      message: 'NO-GO · 1/2 clear',
      color: 'red',
    });
    // An attestation clears the cached answer at once (the use cases announce every change).
    const operator = `gng_badge_op_${Math.random().toString(36).slice(2)}`;
    await store.createToken(
      { name: 'op', role: 'operator', signoffRoles: [], hash: hashToken(operator) },
      't',
    );
    const attested = await fetch(`${server.url}/api/v1/checklists/public-launch/attestations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ env: 'staging', item: 'ops/backups-restored', evidence: 'drill OPS-1' }),
    });
    expect(attested.status).toBe(201);
    const after = await (await get('/badge/public-launch.json?env=staging')).json();
    expect(after).toMatchObject({ message: 'GO · 2/2 clear', color: 'brightgreen' });
    const svg = await (await get('/badge/public-launch.svg?env=staging')).text();
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('GO · 2/2 clear');
  });

  it('never runs checks: a badge request leaves no run behind', async () => {
    await get('/badge/secret-launch.json', viewer);
    expect(await store.listRuns('secret-launch', undefined)).toHaveLength(0);
  });
});
