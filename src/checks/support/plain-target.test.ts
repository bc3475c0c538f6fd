import { describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { parseTarget } from '../../engine/check.js';
import dns from '../dns.js';
import http from '../http.js';
import prometheus from '../prometheus.js';
import tcp from '../tcp.js';
import tls from '../tls.js';

/** A result as text: URLs (no own properties) compared by href, issues by code, path and message. */
function shown(result: { success: boolean; data?: unknown; error?: { issues: unknown[] } }): string {
  return JSON.stringify(result.success ? { data: result.data } : { issues: result.error?.issues }, (_k, v) =>
    v instanceof URL ? `URL ${v.href}` : v,
  );
}

const targets: unknown[] = [
  'https://example.com/health',
  '  POST http://127.0.0.1:8080/api?x=1  ',
  'get https://example.com',
  'example.com:443',
  '[::1]:5432',
  'db.example.com:5432',
  'example.com',
  'ftp://example.com/file',
  'https://example.com/a b',
  'FETCH https://example.com',
  'not a url',
  'host:',
  '',
  '   ',
  42,
  null,
  undefined,
  { url: 'https://example.com' },
];

describe('parseTarget', () => {
  it.each([http, tcp, tls, dns, prometheus])(
    'gives what the $kind target schema gives, every target',
    (def) => {
      const schema = def.target as z.ZodType<unknown>;
      for (const target of targets) {
        expect([target, shown(parseTarget(schema, target))]).toEqual([
          target,
          shown(schema.safeParse(target)),
        ]);
      }
    },
  );

  it('gives a fresh value each time (a target is never shared between checks by the fast path)', () => {
    const a = parseTarget(http.target, 'https://example.com/');
    const b = parseTarget(http.target, 'https://example.com/');
    expect(a.success && b.success && a.data !== b.data).toBe(true);
  });
});
