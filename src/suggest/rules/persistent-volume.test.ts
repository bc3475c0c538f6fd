import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './persistent-volume.js';

describe('persistent-volume rule', () => {
  it.each([
    ['`BACKUP_PATH=/var/backups/app` persistent volume', '/var/backups/app'],
    ['Uploads on `/var/lib/app/uploads/`', '/var/lib/app/uploads'],
    ['Token cache volume mount: `./token_cache:/app/.token_cache`', '/app/.token_cache'],
    ['/data/exports kalıcı diskte', '/data/exports'],
  ])('%s -> file %s', (source, path) => {
    expect(rule.match(item(source))?.check).toEqual({ file: path, expect: ['exists', 'persistent'] });
  });

  it.each([
    'Volume permissions doğru mu? (container yazabilmeli)', // no path
    '`/api/health/live` → 200',
    'Logs under `/tmp/app`', // neither a volume word nor a volume location
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
