import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './http-header.js';

describe('http-header rule', () => {
  it.each([
    ['`X-Request-Id` header response’ta', { http: '${BASE_URL}/', expect: ['"x-request-id" in headers'] }],
    ['X-Request-Id başlığı her yanıtta', { http: '${BASE_URL}/', expect: ['"x-request-id" in headers'] }],
    [
      'Configure security headers (Helmet.js)',
      {
        http: '${BASE_URL}/',
        expect: [
          '"strict-transport-security" in headers',
          '"x-content-type-options" in headers',
          '"content-security-policy" in headers',
        ],
      },
    ],
    ['Enable HSTS', { http: '${BASE_URL}/', expect: ['"strict-transport-security" in headers'] }],
    [
      'CSP and X-Frame-Options on `/app`',
      {
        http: '${BASE_URL}/app',
        expect: ['"content-security-policy" in headers', '"x-frame-options" in headers'],
      },
    ],
    [
      'Enable response compression (gzip/brotli)',
      {
        http: '${BASE_URL}/',
        headers: { 'Accept-Encoding': 'gzip, br' },
        expect: ['"content-encoding" in headers && headers["content-encoding"] in ["gzip", "br"]'],
      },
    ],
  ])('%s', (source, check) => {
    expect(rule.match(item(source))?.check).toEqual(check);
  });

  it.each([
    'Verify checkout session request uses `Idempotency-Key`.', // a request header the client sends
    'Configure CORS policies',
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
