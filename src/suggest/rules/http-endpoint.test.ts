import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './http-endpoint.js';

describe('http-endpoint rule', () => {
  it.each([
    ['`/api/health/live` → 200', { http: '${BASE_URL}/api/health/live', expect: ['status == 200'] }],
    [
      '`/api/health/ready` → 200 (DB + scheduler + disk OK)',
      { http: '${BASE_URL}/api/health/ready', expect: ['status == 200'] },
    ],
    ['Verify `/api/ready` is `ok=true`.', { http: '${BASE_URL}/api/ready', expect: ['body.ok == true'] }],
    [
      'API endpoint: `POST /api/referrals/sync` → `200` + `enqueued: true`',
      { http: 'POST ${BASE_URL}/api/referrals/sync', expect: ['status == 200', 'body.enqueued == true'] },
    ],
    [
      'Health check: `/healthz` → `partner_center_enabled: true`',
      { http: '${BASE_URL}/healthz', expect: ['body.partner_center_enabled == true'] },
    ],
    ['/status returns 204', { http: '${BASE_URL}/status', expect: ['status == 204'] }],
    [
      '`/api/version` → `version: "2.1"`',
      { http: '${BASE_URL}/api/version', expect: ['body.version == "2.1"'] },
    ],
    ['`/health` -> 200 döner', { http: '${BASE_URL}/health', expect: ['status == 200'] }],
  ])('%s', (source, check) => {
    expect(rule.match(item(source))?.check).toEqual(check);
  });

  it('warns that a state-changing method is called from the gate', () => {
    expect(rule.match(item('`POST /api/x` → 200'))?.note).toMatch(/POST changes state/);
  });

  it.each([
    'Configure production webhook URL to `/api/billing/stripe/webhook`.', // no expectation
    'Verify `POST /api/jobs` with same `Idempotency-Key` returns same job id and single hold.', // not checkable
    'Partner Center metrics added to `/healthz/metrics` endpoint',
    'Backup/restore test (`scripts/restore_test.py`)',
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
