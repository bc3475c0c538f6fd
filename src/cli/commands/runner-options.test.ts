import { describe, expect, it } from 'vitest';
import { runnerOptions } from './runner.js';

/** `gonogo runner`'s options, parsed once: typed values, or a ConfigError (exit 2) naming the flag. */
describe('gonogo runner options', () => {
  const ok = { server: 'https://gonogo.example.com', token: 'gng_x', labels: 'prod-vpc, eu' };

  it('parses the flags into typed values', () => {
    const o = runnerOptions({ ...ok, concurrency: '8', name: 'vpc-1' }, {});
    expect(o).toMatchObject({ labels: ['prod-vpc', 'eu'], concurrency: 8, name: 'vpc-1', token: 'gng_x' });
    expect(o.server.origin).toBe('https://gonogo.example.com');
  });

  it.each([
    [{ ...ok, server: undefined }, /missing --server/],
    [{ ...ok, token: undefined }, /missing --token/],
    [{ ...ok, labels: undefined }, /missing --labels/],
    [{ ...ok, server: 'not a url' }, /is not a URL/],
    [{ ...ok, server: 'ftp://x' }, /use an http:\/\/ or https:\/\/ URL/],
    [{ ...ok, labels: 'Prod' }, /not a runner label/],
    [{ ...ok, concurrency: '0' }, /--concurrency "0"/],
    [{ ...ok, concurrency: 'many' }, /--concurrency "many"/],
  ])('refuses %j', (values, message) => {
    expect(() => runnerOptions(values, {})).toThrow(message);
  });
});
