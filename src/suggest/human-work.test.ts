import { describe, expect, it } from 'vitest';
import { humanWork } from './human-work.js';
import { item } from './test-support/item.js';

describe('humanWork', () => {
  it.each([
    ['2FA enable/disable akışı prod’da çalışıyor', {}],
    ['`JWT_SECRET` rotation planı var', {}],
    ['Rotate `STRIPE_SECRET_KEY` in Stripe Dashboard.', {}],
    ['Team trained on the runbook', {}],
    ['Document RTO (Recovery Time Objective): ____', { kind: 'field' as const }],
    ['Engineering Lead: ____ Date: ____', { kind: 'signoff' as const }],
    ['restore_test geçti', { kind: 'criterion' as const }],
    ['IP whitelist test edildi', {}],
    ['`HUNTER_PARTNER_CENTER_CLIENT_ID` → DEV ile aynı mı?', {}],
    ['Confirm backup retention policy.', {}],
  ])('%s is human work', (source, opts) => {
    expect(humanWork(item(source, opts))).toBeDefined();
  });

  it.each(['`/api/health/live` → 200', 'Run full test suite: `npm test`', 'Set `NODE_ENV=production`'])(
    '%s is not',
    (source) => {
      expect(humanWork(item(source))).toBeUndefined();
    },
  );
});
