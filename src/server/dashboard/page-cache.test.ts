import { gunzipSync } from 'node:zlib';
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
    get: async (path: string, csrf = 'token-a', headers: Record<string, string> = {}) =>
      app.request(path, { headers: { 'x-csrf': csrf, ...headers } }),
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

  it('sends a kept page as gzip to a client that takes it, each response with its own values', async () => {
    const t = setup();
    const gzip = { 'accept-encoding': 'gzip, deflate, br' };
    const page = async (r: Response) => {
      const nonce = /'nonce-([^']+)'/.exec(r.headers.get('content-security-policy') ?? '')?.[1];
      const bytes = Buffer.from(await r.arrayBuffer());
      const zipped = r.headers.get('content-encoding') === 'gzip';
      return {
        nonce,
        zipped,
        vary: r.headers.get('vary'),
        html: (zipped ? gunzipSync(bytes) : bytes).toString(),
      };
    };
    const [a, b, plain] = await Promise.all([
      t.get('/p', 'tok-a', gzip).then(page),
      t.get('/p', 'tok-b', gzip).then(page),
      t.get('/p', 'tok-c').then(page),
    ]);
    expect(t.renders).toEqual(['p']);
    expect([a.zipped, b.zipped, plain.zipped]).toEqual([true, true, false]);
    expect([a.vary, b.vary, plain.vary]).toEqual(['Accept-Encoding', 'Accept-Encoding', 'Accept-Encoding']);
    expect(a.html).toBe(`<style nonce="${a.nonce}"></style><input value="tok-a">1`);
    expect(b.html).toBe(`<style nonce="${b.nonce}"></style><input value="tok-b">1`);
    expect(plain.html).toBe(`<style nonce="${plain.nonce}"></style><input value="tok-c">1`);
    expect(new Set([a.nonce, b.nonce, plain.nonce]).size).toBe(3);
    // A state change shows in the compressed page too (it is the kept page's, dropped with it).
    t.changes.emit({ type: 'item.attested', checklist: 'x' });
    expect((await page(await t.get('/p', 'tok-a', gzip))).html).toMatch(/value="tok-a">2$/);
    // Refused gzip, and a page rendered for its request only (a flash), go uncompressed.
    expect((await page(await t.get('/p', 'tok-a', { 'accept-encoding': 'gzip;q=0' }))).zipped).toBe(false);
    const flash = await page(await t.get('/p?flash=1', 'tok-a', gzip));
    expect(flash.zipped).toBe(false);
    expect(flash.html).toMatch(/value="tok-a">3$/);
  });
});
