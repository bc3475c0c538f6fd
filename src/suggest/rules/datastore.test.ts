import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './datastore.js';

describe('datastore rule', () => {
  it.each([
    ['Verify database connectivity', { postgres: '${DATABASE_URL}', expect: ['connected'] }],
    ['Set up production PostgreSQL instance', { postgres: '${DATABASE_URL}', expect: ['connected'] }],
    ['Verify Redis connectivity', { redis: '${REDIS_URL}', expect: ['connected'] }],
    ['Set up production Redis instance', { redis: '${REDIS_URL}', expect: ['connected'] }],
    ['MariaDB reachable from the app', { mysql: '${DATABASE_URL}', expect: ['connected'] }],
    ['Veritabanı bağlantısı çalışıyor', { postgres: '${DATABASE_URL}', expect: ['connected'] }],
  ])('%s', (source, check) => {
    expect(rule.match(item(source))?.check).toEqual(check);
  });

  it.each([
    'Configure connection pooling (PgBouncer recommended)',
    'Set up read replicas (optional)',
    'Ayrı Mongo cluster bağlantısı',
    'Test Redis restoration procedure',
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
