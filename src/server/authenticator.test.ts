import { beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../engine/store.js';
import { perTest, sqliteBackend } from '../store/test-support/backends.js';
import { personActor, revokeToken, StateSignal } from '../usecases/index.js';
import { hashToken } from './auth.js';
import { Authenticator } from './authenticator.js';
import { DEFAULT_CONFIG } from './deps.js';
import { silentLogger } from './logger.js';

/**
 * A token looked up less than a second ago is verified at once (no promise), and only then: a
 * revocation through the server (its StateSignal) sends the next request to the store, which refuses it.
 */
describe('Authenticator.verify', () => {
  const fresh = perTest(sqliteBackend.make);
  let store: Store;
  let changes: StateSignal;
  let auth: Authenticator;
  const token = 'gng_authenticator_test_token';

  beforeEach(async () => {
    ({ store } = await fresh.store('authenticator'));
    await store.createToken({ name: 'ci', role: 'viewer', signoffRoles: [], hash: hashToken(token) }, 'test');
    changes = new StateSignal();
    auth = new Authenticator(store, DEFAULT_CONFIG, silentLogger, () => new Date(), changes);
  });

  it('answers a token it has just looked up at once, and asks the store again after a revocation', async () => {
    const first = auth.verify(token, '10.0.0.1');
    expect(first).toBeInstanceOf(Promise);
    expect((await first).name).toBe('ci');
    const known = auth.verify(token, '10.0.0.1');
    expect(known).not.toBeInstanceOf(Promise);
    expect((known as { name: string }).name).toBe('ci');

    await revokeToken({ store, now: () => new Date(), changes }, personActor('admin'), 'ci');
    const after = auth.verify(token, '10.0.0.1');
    expect(after).toBeInstanceOf(Promise);
    await expect(after).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a missing or unknown token as before (401), never from the cache', async () => {
    expect(() => auth.verify(undefined, '10.0.0.2')).toThrow(expect.objectContaining({ status: 401 }));
    const unknown = auth.verify('gng_not_a_token', '10.0.0.2');
    expect(unknown).toBeInstanceOf(Promise);
    await expect(unknown).rejects.toMatchObject({ status: 401 });
    await expect(auth.verify('gng_not_a_token', '10.0.0.2')).rejects.toMatchObject({ status: 401 });
  });
});
