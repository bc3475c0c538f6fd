import { describe, expect, it } from 'vitest';
import { hostAttributes } from './tracing.js';

/** What a span may say about a check's target: a host and port, never anything that could hold a secret. */
describe('hostAttributes', () => {
  it.each([
    ['api.example.com:443', { 'server.address': 'api.example.com', 'server.port': 443 }],
    ['10.0.0.5:5432', { 'server.address': '10.0.0.5', 'server.port': 5432 }],
    ['[::1]:6379', { 'server.address': '::1', 'server.port': 6379 }],
    ['resolver.local', { 'server.address': 'resolver.local' }],
    [undefined, {}],
    ['', {}],
    ['user:pw@db.example.com:5432', {}],
    ['https://api.example.com/health?token=x', {}],
    ['/var/lib/data', {}],
  ])('%s -> %o', (host, expected) => {
    expect(hostAttributes(host)).toEqual(expected);
  });
});
