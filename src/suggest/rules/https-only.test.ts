import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './https-only.js';

const redirect = {
  http: 'http://${HOST}/',
  expect: ['status >= 300 && status < 400', 'location.startsWith("https://")'],
};
const certificate = { tls: '${HOST}:443', expect: ['valid', 'days_left > 14'] };

describe('https-only rule', () => {
  it.each([
    ['Enable HTTPS only', redirect],
    ['Force HTTPS', redirect],
    ['Sadece HTTPS', redirect],
    ['TLS certificate valid for 30 days', certificate],
    ['SSL sertifikası yenilendi', certificate],
  ])('%s', (source, check) => {
    expect(rule.match(item(source))?.check).toEqual(check);
  });

  it.each(['Enable TLS encryption', 'HTTP/2 enabled'])('nothing for %s', (s) => {
    expect(rule.match(item(s))).toBeUndefined();
  });
});
