import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/app/serve.js';
import { loadRegistry } from '../src/checks/registry.js';
import type { Store } from '../src/engine/store.js';
import { hashToken, type ServerConfig, silentLogger } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';
import { type Backend, storeBackends } from '../src/store/test-support/backends.js';

/**
 * The limits an attacker meets, over real HTTP on both store backends, behind a trusted proxy
 * (`X-Forwarded-For` as nginx's `$proxy_add_x_forwarded_for` writes it: whatever the client sent, then
 * the address the proxy saw).
 */

const FAILURES = 10;
const PER_MINUTE = 20;

interface Harness {
  backend: Backend;
  store: Store;
  server: RunningServer;
  tokens: string[];
}

async function start(
  make: (label: string) => Promise<Backend>,
  label: string,
  config: Partial<ServerConfig>,
): Promise<Harness> {
  const backend = await make(label);
  await writeFile(join(backend.dir, 'launch.md'), '---\nid: launch\n---\n# Launch\n## Ops\n- [ ] Backups\n');
  const store = await openStore(backend.url);
  const tokens: string[] = [];
  for (const name of ['ci-a', 'ci-b']) {
    const token = `gng_rl_${name}_${Math.random().toString(36).slice(2)}`;
    await store.createToken({ name, role: 'viewer', signoffRoles: [], hash: hashToken(token) }, 'test');
    tokens.push(token);
  }
  const server = await startServer(
    { checklists: backend.dir, host: '127.0.0.1', port: 0, logger: silentLogger, config },
    {
      io: { stdout: process.stdout, stderr: process.stderr, isTTY: false, env: {}, cwd: backend.dir },
      openStore: async () => store,
      registry: loadRegistry,
      now: () => new Date(),
    },
  );
  return { backend, store, server, tokens };
}

async function get(h: Harness, path: string, xff: string, token?: string): Promise<number> {
  const r = await fetch(`${h.server.url}${path}`, {
    headers: { 'x-forwarded-for': xff, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    redirect: 'manual',
  });
  await r.arrayBuffer();
  return r.status;
}

describe.each(await storeBackends())('rate limits on $name', ({ name, available, make }) => {
  // `h` meters bad tokens only; `metered` also limits requests per address and per token.
  let h: Harness;
  let metered: Harness;
  beforeAll(async () => {
    if (!available) return;
    h = await start(make, 'rate_limits', {
      trustProxy: true,
      authFailuresPer10Min: FAILURES,
      requestsPerMinute: 0,
    });
    metered = await start(make, 'rate_limits_metered', {
      trustProxy: true,
      authFailuresPer10Min: FAILURES,
      requestsPerMinute: PER_MINUTE,
    });
  });
  afterAll(async () => {
    for (const x of [h, metered]) {
      await x?.server.close();
      await x?.backend.cleanup();
    }
  });

  it.skipIf(!available)(
    'takes the client address from the right-most X-Forwarded-For hop, not a forged left one',
    async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) {
        // The client forges a new left-most address each time; the proxy appends the one it saw.
        statuses.push(await get(h, '/api/v1/checklists', `10.9.${i}.1, 198.51.100.7`, `gng_guess_${i}`));
      }
      expect(statuses.slice(0, FAILURES - 1).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(FAILURES)).toEqual(Array(30 - FAILURES).fill(429));
      // A client behind another address is unaffected.
      expect(await get(h, '/api/v1/checklists', '10.9.0.1, 198.51.100.8', h.tokens[0])).toBe(200);
    },
  );

  it.skipIf(!available)(
    `never tries more than the allowed guesses in a burst of 200 concurrent requests (${name})`,
    async () => {
      // The last guess of the burst is right: it must be refused like the rest, since the address has
      // used up its guesses long before (checking the count only after the lookup let all 200 be tried).
      const guesses = Array.from({ length: 200 }, (_, i) => (i === 199 ? h.tokens[1]! : `gng_burst_${i}`));
      const statuses = await Promise.all(
        // Handed to the application in one tick, so all 200 are in flight together however busy the
        // machine is (over sockets, a slow client spreads them out and hides the race).
        guesses.map(async (token) => {
          const r = await h.server.server.fetch(
            new Request(`${h.server.url}/api/v1/checklists`, {
              headers: { 'x-forwarded-for': '198.51.100.20', authorization: `Bearer ${token}` },
            }),
          );
          return r.status;
        }),
      );
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((s) => s === 401).length).toBeLessThan(FAILURES);
      expect(statuses.includes(200)).toBe(false);
    },
  );

  it.skipIf(!available)('limits every route reached without a token or session, per address', async () => {
    for (const [i, path] of ['/login', '/metrics', '/health/live', '/api/v1/openapi.json', '/'].entries()) {
      const address = `198.51.100.${40 + i}`;
      const statuses: number[] = [];
      for (let n = 0; n <= PER_MINUTE; n++) statuses.push(await get(metered, path, address));
      expect(statuses.slice(0, PER_MINUTE).includes(429), path).toBe(false);
      expect(statuses.at(-1), path).toBe(429);
    }
  });

  it.skipIf(!available)(
    'lets authenticated clients behind one address past the per-address budget',
    async () => {
      // Two CI jobs behind one NAT address: each token has its own budget of PER_MINUTE requests.
      const statuses: number[] = [];
      for (let n = 0; n < PER_MINUTE - 2; n++) {
        for (const token of metered.tokens)
          statuses.push(await get(metered, '/api/v1/checklists', '198.51.100.60', token));
      }
      expect(statuses.length).toBeGreaterThan(PER_MINUTE);
      expect(statuses.every((s) => s === 200)).toBe(true);
    },
  );
});
