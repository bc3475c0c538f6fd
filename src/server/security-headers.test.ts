import { Hono } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from './env.js';
import { cspWithNonce, pageNonce, SECURE_HEADERS_OPTIONS, securityHeaders } from './security-headers.js';

/** Hono's own middleware with the same options: the reference the headers must match. */
function reference() {
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      ...SECURE_HEADERS_OPTIONS,
      permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'none'"],
        styleSrc: [NONCE],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    }),
  );
  app.get('/page', (c) => c.html(`<style nonce="${c.get('secureHeadersNonce')}"></style>`));
  return app;
}

const headersOf = (r: Response) => {
  const out: Record<string, string> = {};
  r.headers.forEach((v, k) => {
    out[k] = v;
  });
  return out;
};

describe('security headers', () => {
  it('are the headers Hono sends, the CSP nonce included, set before the handler runs', async () => {
    const ours = new Hono<AppEnv>();
    ours.use('*', securityHeaders());
    let before: string | null = null;
    ours.get('/page', (c) => {
      before = c.res.headers.get('x-frame-options');
      return c.html(`<style nonce="${pageNonce(c)}"></style>`);
    });
    const mine = await ours.request('/page');
    const theirs = await reference().request('/page');
    expect(before).toBe('DENY');
    const nonce = /nonce="([^"]+)"/.exec(await mine.text())![1]!;
    const theirNonce = /nonce="([^"]+)"/.exec(await theirs.text())![1]!;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const expected = headersOf(theirs);
    expected['content-security-policy'] = expected['content-security-policy']!.replace(theirNonce, nonce);
    expect(headersOf(mine)).toEqual({ ...expected, 'cache-control': 'no-store' });
    expect(mine.headers.get('content-security-policy')).toBe(cspWithNonce(nonce));
  });

  it('give a response that asked for no nonce a CSP that allows no style at all', async () => {
    const ours = new Hono<AppEnv>();
    ours.use('*', securityHeaders());
    ours.get('/json', (c) => c.json({ ok: true }));
    const r = await ours.request('/json');
    const csp = r.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(cspWithNonce('X').replace("'nonce-X'", "'none'"));
    expect(csp).toContain("style-src 'none'");
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  it('make a new nonce for each page', async () => {
    const ours = new Hono<AppEnv>();
    ours.use('*', securityHeaders());
    ours.get('/page', (c) => c.html(pageNonce(c)));
    const a = await (await ours.request('/page')).text();
    const b = await (await ours.request('/page')).text();
    expect(a).not.toBe(b);
  });
});
