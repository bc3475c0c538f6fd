import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './redis-config.js';

const inRedis = { section: ['Pre-Deployment', 'Redis'] };

describe('redis-config rule', () => {
  it.each([
    ['Configure persistence (AOF + RDB)', inRedis, 'CONFIG GET save', 'info.aof_enabled == "1"'],
    ['Redis kalıcılık (AOF) açık', {}, 'CONFIG GET save', 'info.aof_enabled == "1"'],
    ['Configure maxmemory policy', inRedis, 'CONFIG GET maxmemory*', 'reply.maxmemory != "0"'],
    [
      'Enable TLS encryption',
      inRedis,
      'CONFIG GET tls-port',
      '"tls-port" in reply && reply["tls-port"] != "0"',
    ],
    ['Redis over TLS', {}, 'CONFIG GET tls-port', '"tls-port" in reply && reply["tls-port"] != "0"'],
  ])('%s', (source, opts, command, condition) => {
    const check = rule.match(item(source, opts))?.check;
    expect(check).toMatchObject({ redis: '${REDIS_URL}', command });
    expect(check?.expect).toContain(condition);
  });

  it.each([
    ['Enable TLS encryption', {}], // not about Redis
    ['Set up Redis Sentinel or Cluster (for HA)', inRedis],
    ['Verify Redis connectivity', {}], // the datastore rule's
  ])('nothing for %s', (source, opts) => {
    expect(rule.match(item(source, opts))).toBeUndefined();
  });
});
