import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './env-set.js';

describe('env-set rule', () => {
  it.each([
    ['`SLACK_BILLING_WEBHOOK_URL` prod set', { env: 'SLACK_BILLING_WEBHOOK_URL', expect: ['set'] }],
    ['`RATE_LIMIT_*` değerleri prod için ayarlı', { env: 'RATE_LIMIT_*', expect: ['count > 0'] }],
    ['Configure `SENTRY_DSN`.', { env: 'SENTRY_DSN', expect: ['set'] }],
    ['Store `STRIPE_METERED_PRICE_ID` in environment', { env: 'STRIPE_METERED_PRICE_ID', expect: ['set'] }],
    ['`API_KEY` tanımlı', { env: 'API_KEY', expect: ['set'] }],
    [
      'Set `CORS_ALLOW_ORIGINS` and `PUBLIC_ORIGIN_ALLOWLIST` to production origins only.',
      { env: '{CORS_ALLOW_ORIGINS,PUBLIC_ORIGIN_ALLOWLIST}', expect: ['count == 2'] },
    ],
  ])('%s', (source, check) => {
    expect(rule.match(item(source))?.check).toEqual(check);
  });

  it.each([
    'Enable HTTPS only', // upper case, but not a variable
    'Set up production PostgreSQL instance', // no variable
    '`DATABASE_URL` is documented in the README', // no word for "set"
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
