import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { StateSignal } from '../../usecases/index.js';
import type { AppEnv } from '../env.js';
import { PageCache, type PageSlots } from './page-cache.js';
import type { Session } from './sessions.js';

/** The render cache on its own: shared renders, failures, bounds, placeholders. */

function setup(opts: { maxEntries?: number; ttlMs?: number } = {}) {
  let clock = Date.parse('2026-12-01T12:00:00Z');
  const changes = new StateSignal();
  const pages = new PageCache({ ttlMs: opts.ttlMs ?? 60_000, now: () => new Date(clock), ...opts }, changes);
  const renders: string[] = [];
  let fail = false;
  let changesAt: number | undefined;
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    const csrf = c.req.header('x-csrf');
    if (csrf) c.set('session', { csrf } as Session);
    await next();
  });
  app.get('/:page', (c) =>
    pages.respond(
      c,
      { key: c.req.param('page'), of: [], keep: !c.req.query('flash') },
      async (slots: PageSlots) => {
        renders.push(c.req.param('page'));
        await new Promise((r) => setTimeout(r, 5));
        if (fail) throw new Error('store unavailable');
        return {
          html: `<style nonce="${slots.nonce}"></style><input value="${slots.csrf}">${renders.length}`,
          ...(changesAt !== undefined ? { changesAt } : {}),
        };
      },
    ),
  );
  app.onError((_err, c) => c.text('failed', 500));
  return {
    pages,
    changes,
    renders,
    get: (path: string, csrf = 'token-a') => app.request(path, { headers: { 'x-csrf': csrf } }),
    fail: (f: boolean) => {
      fail = f;
    },
    expireAt: (ms: number) => {
      changesAt = ms;
    },
    tick: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

describe('PageCache', () => {
  it('shares one render between concurrent requests, each with its own nonce and CSRF token', async () => {
    const t = setup();
    const responses = await Promise.all(['a', 'b', 'c'].map((csrf) => t.get('/p', `tok-${csrf}`)));
    expect(t.renders).toEqual(['p']);
    const bodies = await Promise.all(responses.map((r) => r.text()));
    const nonces = responses.map(
      (r) => /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')?.[1],
    );
    bodies.forEach((body, i) => {
      expect(body).toContain(`<style nonce="${nonces[i]}">`);
      expect(body).toContain(`value="tok-${'abc'[i]}"`);
      expect(responses[i]!.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    });
    expect(new Set(nonces).size).toBe(3);
  });

  it('renders again after a state change, at the content’s next change, and for a one-time message', async () => {
    const t = setup();
    await t.get('/p');
    await t.get('/p');
    expect(t.renders).toHaveLength(1);
    t.changes.emit({ type: 'item.attested', checklist: 'x' });
    await t.get('/p');
    expect(t.renders).toHaveLength(2);
    t.changes.emit({ type: 'token.revoked' });
    t.expireAt(t.now() + 1000);
    await t.get('/p');
    t.tick(999);
    await t.get('/p');
    expect(t.renders).toHaveLength(3);
    t.tick(1);
    await t.get('/p');
    expect(t.renders).toHaveLength(4);
    await t.get('/p?flash=1');
    expect(t.renders).toHaveLength(5);
  });

  it('keeps no failed render, and at most maxEntries pages', async () => {
    const t = setup({ maxEntries: 2 });
    t.fail(true);
    // Requests sharing a render that fails all fail with it: one render, not one each.
    const failed = await Promise.all([t.get('/p'), t.get('/p'), t.get('/p')]);
    expect(failed.map((r) => r.status)).toEqual([500, 500, 500]);
    t.fail(false);
    expect((await t.get('/p')).status).toBe(200);
    expect(t.renders).toEqual(['p', 'p']);
    await t.get('/q');
    await t.get('/r');
    await t.get('/q');
    await t.get('/p');
    expect(t.renders).toEqual(['p', 'p', 'q', 'r', 'p']);
  });
});
