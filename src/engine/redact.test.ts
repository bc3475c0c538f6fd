// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import {
  isSecretKey,
  MEMO_KEYS,
  MEMO_STRINGS,
  memoizedSecretKeys,
  memoizedStrings,
  redact,
  redactField,
  redactText,
  secretFingerprint,
} from './redact.js';

// Planted secrets, built at run time so this file itself does not trip secret scanners.
const stripe = ['sk', 'live', '51HqLyjWDarjtT1zdp7dcXYZabc'].join('_');
const stripeTest = ['sk', 'test', '4eC39HqLyjWDarjtT1zdp7dc'].join('_');
const restricted = ['rk', 'live', '51HqLyjWDarjtT1zdp7dcQQ'].join('_');
const slackBot = ['xoxb', '123456789012', '1234567890123', 'AbCdEfGhIjKlMnOpQrStUvWx'].join('-');
const slackUser = ['xoxp', '123456789012', 'abcdefABCDEF'].join('-');
const github = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;
const aws = `AKIA${'IOSFODNN7EXAMPLE'}`;
const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'}`;
const pem = `-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234567890abcdef\nqwertyuiop\n-----END RSA PRIVATE KEY-----`;
const dbPassword = 'correct-horse-battery';

describe('redactText', () => {
  it.each([
    [
      `postgres://app:${dbPassword}@db.internal:5432/app`,
      'postgres://app:***@db.internal:5432/app',
      dbPassword,
    ],
    [`redis://:${dbPassword}@cache:6379`, 'redis://:***@cache:6379', dbPassword],
    [`key=${stripe} ok`, 'key=sk_live_[redacted] ok', stripe],
    [`key=${stripeTest}`, 'key=sk_test_[redacted]', stripeTest],
    [restricted, 'rk_live_[redacted]', restricted],
    [`token ${slackBot}.`, 'token xoxb-[redacted].', slackBot],
    [slackUser, 'xoxp-[redacted]', slackUser],
    [`GITHUB_TOKEN=${github}`, 'GITHUB_TOKEN=ghp_[redacted]', github],
    [`aws ${aws}`, 'aws AKIA[redacted]', aws],
    [`Authorization: Bearer ${jwt}`, 'Authorization: [redacted]', jwt],
    [`token=${jwt}`, 'token=[redacted JWT]', jwt],
    [`cert:\n${pem}\nafter`, 'cert:\n-----BEGIN RSA PRIVATE KEY----- [redacted]\nafter', 'MIIEpAIBAAKCAQEA'],
    [`curl -H "X-Api-Key: ${dbPassword}"`, 'curl -H "X-Api-Key: [redacted]', dbPassword],
    ['status == 200 — got status=503', 'status == 200 — got status=503', '@@none@@'],
    ['https://example.com/api/health', 'https://example.com/api/health', '@@none@@'],
  ])('%s', (input, output, planted) => {
    const out = redactText(input);
    expect(out).toBe(output);
    expect(out).not.toContain(planted);
  });

  it('replaces known secret values, longest first, with what the caller chose', () => {
    const known = new Map([
      ['s3cr3t-value', '${API_TOKEN}'],
      ['s3cr3t-value-longer', '${OTHER}'],
    ]);
    expect(redactText('a s3cr3t-value-longer b s3cr3t-value', known)).toBe('a ${OTHER} b ${API_TOKEN}');
  });

  it('does not garble text with very short known values, but hides them when they are the whole value', () => {
    const known = new Map([['1', '${N}']]);
    expect(redactText('status == 1 — got 1', known)).toBe('status == 1 — got 1');
    expect(redactText('1', known)).toBe('${N}');
  });
});

describe('redact', () => {
  it('finds planted secrets anywhere in observed values', () => {
    const observed = {
      status: 401n,
      headers: new Map<string, unknown>([
        ['authorization', `Bearer ${jwt}`],
        ['set-cookie', 'session=abcdef123456'],
        ['content-type', 'application/json'],
      ]),
      body: {
        nested: [{ key: stripe }, { url: `mysql://root:${dbPassword}@127.0.0.1/test` }],
        password: 'pw-12345',
      },
      stdout: `deploying with ${github} and ${aws}\n${pem}`,
      when: new Date('2026-01-01T00:00:00Z'),
      raw: new Uint8Array([1, 2, 3]),
      known: 'prefix-planted-env-value-suffix',
    };
    const out = redact(observed, new Map([['planted-env-value', '${PLANTED}']]));
    const text = JSON.stringify(out);
    for (const secret of [
      jwt,
      'session=abcdef',
      stripe,
      dbPassword,
      'pw-12345',
      github,
      aws,
      'MIIEpAIB',
      'planted-env-value',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out).toMatchObject({
      status: 401,
      headers: {
        authorization: '[redacted]',
        'set-cookie': '[redacted]',
        'content-type': 'application/json',
      },
      body: {
        nested: [{ key: 'sk_live_[redacted]' }, { url: 'mysql://root:***@127.0.0.1/test' }],
        password: '[redacted]',
      },
      when: '2026-01-01T00:00:00.000Z',
      raw: '[bytes len=3]',
      known: 'prefix-${PLANTED}-suffix',
    });
  });

  it('fingerprints a secret as length and 8 hex digits of its SHA-256', () => {
    expect(secretFingerprint('hello')).toBe('[secret len=5 sha256=2cf24dba]');
  });

  it('names the same keys secret whether or not it remembers them (memo hit and miss alike)', () => {
    const keys: [string, boolean][] = [
      ['authorization', true],
      ['Authorization', true],
      ['SET-COOKIE', true],
      ['X-Custom-Token', true],
      ['x-signature', true],
      ['Client_Secret', true],
      [`x-${'a'.repeat(80)}-token`, true],
      ['content-type', false],
      ['x-request-id', false],
      ['keyboard', false],
      [`${'a'.repeat(80)}`, false],
    ];
    for (const [key, secret] of keys) {
      expect([key, isSecretKey(key)]).toEqual([key, secret]);
      expect([key, isSecretKey(key)]).toEqual([key, secret]);
      expect(redact({ [key]: 'value-1234' })).toEqual({ [key]: secret ? '[redacted]' : 'value-1234' });
    }
  });

  it('remembers a bounded number of keys (bodies may bring any number of distinct keys)', () => {
    for (let i = 0; i < MEMO_KEYS * 3; i++) isSecretKey(`field_${i}`);
    expect(memoizedSecretKeys()).toBeGreaterThan(0);
    expect(memoizedSecretKeys()).toBeLessThanOrEqual(MEMO_KEYS);
    // Emptied when full, the memo still answers right afterwards.
    expect(isSecretKey('X-Auth-Token')).toBe(true);
    expect(isSecretKey('field_1')).toBe(false);
  });

  it('keeps one copy of short shaped strings, bounded, without changing any value', () => {
    const known = new Map([[dbPassword, '${DB_PASSWORD}']]);
    const shape = (i: number) =>
      redactField(
        'observed',
        { server: 'nginx', n: `v${i}`, leak: `pw=${dbPassword}`, long: 'x'.repeat(80) },
        known,
        4096,
      );
    for (let i = 0; i < MEMO_STRINGS * 3; i++) {
      expect(shape(i)).toEqual({
        server: 'nginx',
        n: `v${i}`,
        leak: 'pw=${DB_PASSWORD}',
        long: 'x'.repeat(80),
      });
    }
    expect(memoizedStrings()).toBeGreaterThan(0);
    expect(memoizedStrings()).toBeLessThanOrEqual(MEMO_STRINGS);
    // Emptied when full, shaping still gives the same values; a secret is never what the memo holds.
    expect(shape(1)).toEqual(shape(1));
    expect(JSON.stringify(shape(2))).not.toContain(dbPassword);
  });

  // An object is copied whole and its values replaced in place when that gives what the key-by-key walk
  // gave: these are the cases where the two could differ.
  it.each([
    [
      'integer-like keys first, undefined as null',
      { b: 1, 2: 'x', a: 'y', 1: null, u: undefined },
      '{"1":null,"2":"x","b":1,"a":"y","u":null}',
    ],
    [
      'an own __proto__ key sets no key (walked key by key)',
      JSON.parse('{"__proto__":{"p":1},"a":1}'),
      '{"a":1}',
    ],
    ['symbol keys are left out', { a: 1, [Symbol('s')]: 'x' }, '{"a":1}'],
    ['a null-prototype object', Object.assign(Object.create(null), { z: 1, a: 'b' }), '{"z":1,"a":"b"}'],
    [
      'a class instance',
      new (class {
        x = 1;
        y = 'two';
      })(),
      '{"x":1,"y":"two"}',
    ],
    [
      'credential keys and long text inside',
      { headers: { authorization: 'Bearer abcdefghijk', 'content-type': 'x', empty: '' }, t: 'y'.repeat(10) },
      '{"headers":{"authorization":"[redacted]","content-type":"x","empty":""},"t":"yyyy… (cut to 4 characters)"}',
    ],
  ])('%s', (name, value, json) => {
    const shaped = redactField('observed', value, new Map(), 4);
    expect(JSON.stringify(shaped)).toBe(json);
    // As before: the walk's assignment of `__proto__` set the copy's prototype (to the walked value).
    if (!name.includes('__proto__')) expect(Object.getPrototypeOf(shaped)).toBe(Object.prototype);
    else expect(Object.getPrototypeOf(shaped)).toEqual({ p: 1 });
    expect(Object.getOwnPropertySymbols(shaped)).toEqual([]);
    expect(Object.hasOwn(shaped as object, '__proto__')).toBe(false);
  });

  it('reads each value of a copied object once, and leaves the source as it was', () => {
    let reads = 0;
    const source = {
      a: 'x',
      get b() {
        reads++;
        return 'y';
      },
      c: { d: 1 },
    };
    const before = JSON.stringify(source);
    reads = 0;
    expect(redactField('observed', source, new Map(), 4096)).toEqual({ a: 'x', b: 'y', c: { d: 1 } });
    expect(reads).toBe(1);
    expect(JSON.stringify(source)).toBe(before);
  });
});
