import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessServer, login, startInProcess } from './server-support.js';

/**
 * Every response over a real socket carries the same headers, in the same order and spelling, whichever
 * way the server hands them to Node: the preflight gives Node one complete record
 * (`completeResponse`), other answers get them set on the Node response after their handler
 * (`finishEveryResponseHeader`), pages keep their own CSP (with its nonce).
 */

const CHECKLIST = `---
id: launch
environments:
  production: {}
---
# Launch
- [ ] Backups restored in a drill
`;

let s: InProcessServer;
let cookie: string;

beforeAll(async () => {
  s = await startInProcess({
    prefix: 'gonogo-response-headers-',
    files: { 'launch.md': CHECKLIST },
    tokens: [{ name: 'ci', role: 'viewer' }],
    now: () => new Date(),
  });
  cookie = await login(s.server.url, s.tokens.ci!);
});
afterAll(() => s.close());

/** The raw header lines of a response (name as sent, value), and its status. */
function raw(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; lines: [string, string][] }>((resolve, reject) => {
    const req = request(`${s.server.url}${path}`, { headers }, (res) => {
      res.resume();
      const lines: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2)
        lines.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
      res.on('end', () => resolve({ status: res.statusCode!, lines }));
    });
    req.on('error', reject);
    req.end();
  });
}

// Values that differ between responses by nature.
const OWN = new Set(['content-type', 'content-length', 'date', 'x-request-id', 'content-security-policy']);
const shared = (lines: [string, string][]) => lines.filter(([k]) => !OWN.has(k.toLowerCase()));
const bearer = () => ({ authorization: `Bearer ${s.tokens.ci}` });

describe('response headers', () => {
  it('are the same on a preflight as on any other API answer, in the same order, with its request id', async () => {
    const preflight = await raw('/api/v1/checklists/launch/preflight?env=production', {
      ...bearer(),
      'x-request-id': 'pf-1',
    });
    const other = await raw('/api/v1/checklists/launch', { ...bearer(), 'x-request-id': 'other-1' });
    const refused = await raw('/api/v1/checklists/launch/preflight?env=production');
    expect([preflight.status, other.status, refused.status]).toEqual([200, 200, 401]);
    expect(preflight.lines.map(([k]) => k)).toEqual(other.lines.map(([k]) => k));
    expect(shared(preflight.lines)).toEqual(shared(other.lines));
    const get = (lines: [string, string][], name: string) =>
      lines.find(([k]) => k.toLowerCase() === name)?.[1];
    expect(get(preflight.lines, 'x-request-id')).toBe('pf-1');
    expect(get(preflight.lines, 'content-type')).toBe('application/json');
    expect(get(preflight.lines, 'content-security-policy')).toBe(get(other.lines, 'content-security-policy'));
    expect(get(preflight.lines, 'cache-control')).toBe('no-store');
    // A refusal (answered by the error handler) has them all too.
    expect(shared(refused.lines).filter(([k]) => k.toLowerCase() !== 'www-authenticate')).toEqual(
      shared(other.lines),
    );
    expect(get(refused.lines, 'x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('leave a page its own CSP, with the nonce of its stylesheet', async () => {
    const page = await raw('/checklists/launch?env=production', { cookie, accept: 'text/html' });
    expect(page.status).toBe(200);
    const csp = page.lines.find(([k]) => k.toLowerCase() === 'content-security-policy')?.[1] ?? '';
    expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9+/]{22}=='/);
    expect(page.lines.filter(([k]) => k.toLowerCase() === 'content-security-policy')).toHaveLength(1);
    expect(page.lines.find(([k]) => k.toLowerCase() === 'x-frame-options')?.[1]).toBe('DENY');
  });
});
