import { describe, expect, it } from 'vitest';
import type { TokenRole } from '../engine/store.js';
import { bearerToken, hashToken, maySignFor, roleAtLeast } from './auth.js';

describe('auth helpers', () => {
  it.each([
    ['Bearer gng_abc', 'gng_abc'],
    ['bearer   gng_abc  ', 'gng_abc'],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ])('bearerToken(%j) = %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  const roles: TokenRole[] = ['viewer', 'operator', 'approver', 'admin'];
  it.each(roles.flatMap((have, i) => roles.map((need, j) => [have, need, i >= j] as const)))(
    '%s is at least %s: %s',
    (have, need, ok) => {
      expect(roleAtLeast(have, need)).toBe(ok);
    },
  );

  it.each([
    ['approver', ['security'], 'security', true],
    ['approver', ['security'], 'engineering', false],
    ['admin', ['engineering'], 'engineering', true],
    ['admin', [], 'engineering', false],
    ['operator', ['security'], 'security', false],
  ] as const)('%s holding %j may sign for %s: %s', (role, signoffRoles, want, ok) => {
    expect(maySignFor({ id: 1, name: 't', role, signoffRoles: [...signoffRoles], createdAt: '' }, want)).toBe(
      ok,
    );
  });

  it('hashes tokens as hex SHA-256', () => {
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // Of the token's UTF-8 bytes (tokens stored before keep matching).
    expect(hashToken('gng_ä€😀')).toBe('c1387bcdfa0645467fb35645d9f632a71fa30f2834ca4103f889a52b9c303507');
  });
});
