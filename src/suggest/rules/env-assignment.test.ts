import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './env-assignment.js';

describe('env-assignment rule', () => {
  it.each([
    ['`MAINTENANCE_MODE_DEFAULT=false`', 'MAINTENANCE_MODE_DEFAULT', ['value == "false"']],
    ['Set `NODE_ENV=production`', 'NODE_ENV', ['value == "production"']],
    ['Set `BILLING_MODE=production`', 'BILLING_MODE', ['value == "production"']],
    [
      '`HUNTER_PARTNER_CENTER_ENABLED=true` (production’da açılacak)',
      'HUNTER_PARTNER_CENTER_ENABLED',
      ['value == "true"'],
    ],
    ['Deploy web process with `MVP_WORKER_ENABLED=false`.', 'MVP_WORKER_ENABLED', ['value == "false"']],
    ['Set APP_MODE="read only"', 'APP_MODE', ['value == "read only"']],
  ])('%s -> env %s', (source, name, conditions) => {
    expect(rule.match(item(source))?.check).toEqual({ env: name, expect: conditions });
  });

  it('checks the first of several assignments and names the others in a note', () => {
    const p = rule.match(
      item('Set `ALLOW_LOCALHOST_ORIGINS=false` and `ALLOW_NULL_ORIGIN=false` on production.'),
    );
    expect(p?.check).toEqual({ env: 'ALLOW_LOCALHOST_ORIGINS', expect: ['value == "false"'] });
    expect(p?.note).toContain('ALLOW_NULL_ORIGIN=false');
  });

  it.each(['Set `SENTRY_DSN`', 'a == b', 'x=1 in prose', 'Ratio A=B'])('no assignment in %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
