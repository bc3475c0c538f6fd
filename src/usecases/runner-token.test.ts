import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { perBlock, sqliteBackend } from '../store/test-support/backends.js';
import { personActor, roleAtLeast } from './actor.js';
import { createToken } from './token.js';

/** Runner tokens: labels required, valid and kept; below every role of the ladder. */

const shared = perBlock(sqliteBackend.make);
let store: Store;
const ctx = () => ({ store, now: () => new Date('2026-12-01T10:00:00Z') });
const ana = personActor('ana');

beforeAll(async () => {
  ({ store } = await shared.store('runner_token'));
});

describe('runner tokens', () => {
  it('keeps the labels of a runner token and audits them', async () => {
    const { record } = await createToken(ctx(), ana, {
      name: 'vpc',
      role: 'runner',
      signoffRoles: [],
      labels: ['prod-vpc', 'eu', 'eu'],
    });
    expect(record.labels).toEqual(['prod-vpc', 'eu']);
    expect((await store.listTokens()).find((t) => t.name === 'vpc')?.labels).toEqual(['prod-vpc', 'eu']);
    const events = await store.listAudit({ after: 0, limit: 100 });
    expect(events.find((e) => e.type === 'token.created')?.data).toMatchObject({
      role: 'runner',
      labels: ['prod-vpc', 'eu'],
    });
  });

  it.each([
    [{ role: 'runner', labels: [] }, /--role runner needs --labels/],
    [{ role: 'runner', labels: ['Prod VPC'] }, /not a runner label/],
    [{ role: 'operator', labels: ['a'] }, /--labels is for runner tokens/],
    [{ role: 'robot', labels: [] }, /use one of viewer, operator, approver, admin, runner/],
  ])('refuses %j', async (input, message) => {
    await expect(createToken(ctx(), ana, { name: 'x', signoffRoles: [], ...input })).rejects.toThrow(message);
  });

  it('ranks runner below viewer for everything but the runner API', () => {
    expect(roleAtLeast('runner', 'viewer')).toBe(false);
    expect(roleAtLeast('viewer', 'viewer')).toBe(true);
  });
});
