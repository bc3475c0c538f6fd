import { describe, expect, it } from 'vitest';
import { jsonLogger } from '../src/server/index.js';
import { startInProcess } from './server-support.js';

/**
 * The address limit and the body limit run in the server's first layer: what they refuse is answered
 * by the error handler (problem+json with Retry-After, or 413), with every header of any answer, and
 * logged and measured like any other request.
 */
describe('limit refusals', () => {
  it('are answered, logged and carry every header like any other answer', async () => {
    const lines: string[] = [];
    const s = await startInProcess({
      prefix: 'gonogo-limit-refusals-',
      files: { 'launch.md': '---\nid: launch\n---\n# Launch\n- [ ] Backups restored\n' },
      logger: jsonLogger({ write: (l: string) => lines.push(l) }),
      config: { requestsPerMinute: 2, bodyLimitBytes: 64 },
      now: () => new Date(),
    });
    try {
      const big = await fetch(`${s.server.url}/api/v1/checklists/launch/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'big-1' },
        body: JSON.stringify({ env: 'x'.repeat(200) }),
      });
      expect(big.status).toBe(413);
      expect(big.headers.get('x-request-id')).toBe('big-1');
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`${s.server.url}/api/v1/checklists`, {
          headers: { 'x-request-id': `rl-${i}` },
        });
        await r.text();
        statuses.push(r.status);
        refused = r;
      }
      // Unauthenticated requests count against the address: the 413 and two 401s use up the limit.
      expect(statuses).toEqual([401, 429, 429]);
      expect(refused!.headers.get('content-type')).toBe('application/problem+json');
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused!.headers.get('x-request-id')).toBe('rl-2');
      expect(refused!.headers.get('cache-control')).toBe('no-store');
      expect(refused!.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(refused!.headers.get('x-frame-options')).toBe('DENY');
      const logged = lines
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.msg === 'request');
      expect(logged.map((l) => [l.id, l.status])).toEqual([
        ['big-1', 413],
        ['rl-0', 401],
        ['rl-1', 429],
        ['rl-2', 429],
      ]);
    } finally {
      await s.close();
    }
  });
});
