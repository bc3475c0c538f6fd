// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import { ExpansionError, expand, hasReference } from './expand.js';

const source = {
  environment: 'production',
  block: { BASE_URL: 'https://example.com', DB_URL: 'postgres://app:${DB_PASSWORD}@db/app', LOOP: '${LOOP}' },
  env: { DB_PASSWORD: 'hunter2hunter2', BASE_URL: 'https://ignored.example', TOKEN: 'tok-123456', EMPTY: '' },
};

describe('expand', () => {
  it.each([
    {
      name: 'front matter first',
      input: '${BASE_URL}/ready',
      value: 'https://example.com/ready',
      secrets: {},
    },
    {
      name: 'process env next, recorded as secret',
      input: 'Bearer ${TOKEN}',
      value: 'Bearer tok-123456',
      secrets: { 'tok-123456': '${TOKEN}' },
    },
    {
      name: 'a block value naming a process secret',
      input: '${DB_URL}',
      value: 'postgres://app:hunter2hunter2@db/app',
      secrets: { hunter2hunter2: '${DB_PASSWORD}' },
    },
    { name: 'escaped reference stays literal', input: 'echo $${HOME}', value: 'echo ${HOME}', secrets: {} },
    { name: 'no reference', input: 'plain $HOME text', value: 'plain $HOME text', secrets: {} },
    { name: 'empty value', input: 'x${EMPTY}y', value: 'xy', secrets: {} },
    {
      name: 'walks options recursively, keys untouched',
      input: { headers: { Authorization: 'Bearer ${TOKEN}' }, argv: ['curl', '${BASE_URL}'], n: 3, ok: true },
      value: {
        headers: { Authorization: 'Bearer tok-123456' },
        argv: ['curl', 'https://example.com'],
        n: 3,
        ok: true,
      },
      secrets: { 'tok-123456': '${TOKEN}' },
    },
  ])('$name', ({ input, value, secrets }) => {
    const out = expand(input, source);
    expect(out.value).toEqual(value);
    expect(Object.fromEntries(out.secrets)).toEqual(secrets);
  });

  it.each([
    [
      '${NOPE}/x',
      '${NOPE} is not set for environment production (front matter) nor in the process environment',
    ],
    ['${LOOP}', '${LOOP} refers to itself in environment production (LOOP -> LOOP)'],
  ])('%s is an error a person can act on', (input, message) => {
    expect(() => expand(input, source)).toThrow(ExpansionError);
    expect(() => expand(input, source)).toThrow(message);
  });
});

describe('hasReference', () => {
  it.each([
    ['${A}', true],
    [['x', { y: 'a${B_2}' }], true],
    ['$A', false],
    [{ a: 1 }, false],
  ])('%o -> %s', (value, result) => {
    expect(hasReference(value)).toBe(result);
  });
});
