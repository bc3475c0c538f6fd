// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { CheckSpec } from '../model/checklist.js';
import { type CheckDefinition, defineCheck } from './check.js';
import { certKind, checklistOf, itemWith, registryOf, webKind } from './test-support/kinds.js';
import { validateChecks } from './validate.js';

const registry = registryOf(
  webKind as CheckDefinition<unknown, unknown>,
  certKind as CheckDefinition<unknown, unknown>,
);

function lint(
  check: Partial<CheckSpec> & Pick<CheckSpec, 'kind' | 'target'>,
  environments?: Record<string, Record<string, string>>,
) {
  const checklist = checklistOf(
    [itemWith('ops/health', { line: 12, column: 3, ...check })],
    environments ? { environments } : {},
  );
  return validateChecks(checklist, registry).map((e) => e.format());
}

describe('validateChecks', () => {
  it.each([
    {
      name: 'a valid check',
      check: { kind: 'web', target: 'example.com/health', expect: ['status == 200', 'body.db == "ok"'] },
      errors: [],
    },
    { name: 'default expectation', check: { kind: 'cert', target: 'example.com:443' }, errors: [] },
    {
      name: 'unknown kind lists the known ones',
      check: { kind: 'htpp', target: 'x' },
      errors: ['/tmp/launch.md:12:3: ops/health: unknown check kind "htpp"; known kinds: cert, web'],
    },
    {
      name: 'target fails the schema',
      check: { kind: 'web', target: '' },
      errors: [
        '/tmp/launch.md:12:3: ops/health: web target: Too small: expected string to have >=1 characters',
      ],
    },
    {
      name: 'target of the wrong type',
      check: { kind: 'web', target: 42 },
      errors: [
        '/tmp/launch.md:12:3: ops/health: web target: Invalid input: expected string, received number',
      ],
    },
    {
      name: 'unknown option names the allowed ones',
      check: { kind: 'web', target: 'x', options: { header: { a: 'b' } } },
      errors: [
        '/tmp/launch.md:12:3: ops/health: unknown option "header" for web; did you mean "headers"? web accepts: headers, body (plus the common ones: expect, timeout, retries, retry_delay, blocking, hold, every, tolerance, due, owner)',
      ],
    },
    {
      name: 'option of the wrong type',
      check: { kind: 'web', target: 'x', options: { body: 3 } },
      errors: [
        '/tmp/launch.md:12:3: ops/health: option body: Invalid input: expected string, received number',
      ],
    },
    {
      name: 'unknown variable lists the variables',
      check: { kind: 'web', target: 'x', expect: ['status == 200', 'rows == 1'] },
      errors: [
        '/tmp/launch.md:12:3: ops/health: expect[1]: unknown variable "rows" in `rows == 1`; web observes: status, headers, body, latency_ms',
      ],
    },
    {
      name: 'type error',
      check: { kind: 'web', target: 'x', expect: ['status == "200"'] },
      errors: [
        '/tmp/launch.md:12:3: ops/health: expect[0]: condition `status == "200"` is not valid CEL: no such overload: int == string at column 1; web observes: status, headers, body, latency_ms',
      ],
    },
    {
      name: '${VAR} from the process environment is fine at lint time',
      check: { kind: 'web', target: '${BASE_URL}/health', options: { body: '${TOKEN}' } },
      errors: [],
    },
    {
      name: '${VAR} from the process environment still gets unknown options reported',
      check: { kind: 'web', target: '${BASE_URL}', options: { bogus: '${TOKEN}' } },
      errors: [
        '/tmp/launch.md:12:3: ops/health: unknown option "bogus" for web; web accepts: headers, body (plus the common ones: expect, timeout, retries, retry_delay, blocking, hold, every, tolerance, due, owner)',
      ],
    },
    {
      name: '${VAR} from front matter is checked per environment',
      check: { kind: 'web', target: '${BASE}' },
      environments: { staging: { BASE: 'staging.example.com' }, production: { BASE: '' } },
      errors: [
        '/tmp/launch.md:12:3: ops/health: web target: Too small: expected string to have >=1 characters (environment production)',
      ],
    },
  ])('$name', ({ check, errors, environments }) => {
    expect(lint(check as unknown as CheckSpec, environments)).toEqual(errors);
  });

  it('locates errors in a bindings file at the binding', () => {
    const checklist = checklistOf([
      itemWith('a/b', { kind: 'nope', target: 'x', file: 'bindings.yaml', line: 4, column: 1 }),
    ]);
    expect(validateChecks(checklist, registry)[0]!.format()).toBe(
      'bindings.yaml:4:1: a/b: unknown check kind "nope"; known kinds: cert, web',
    );
  });

  it('judges checks without options alike, whether their kind takes none or needs some', () => {
    // Asked once per schema (validate.ts): every such check gets the answer the schema gives `{}`.
    const keyed = defineCheck({
      kind: 'keyed',
      summary: 'a kind that needs an option',
      target: z.string().min(1),
      options: z.strictObject({ key: z.string() }),
      variables: webKind.variables,
      defaultExpect: webKind.defaultExpect,
      run: async () => ({ status: 200 }),
    });
    const kinds = registryOf(
      webKind as CheckDefinition<unknown, unknown>,
      keyed as CheckDefinition<unknown, unknown>,
    );
    const checklist = checklistOf([
      itemWith('a/web', { kind: 'web', target: 'x', line: 3 }),
      itemWith('a/keyed', { kind: 'keyed', target: 'x', line: 5 }),
      itemWith('a/web2', { kind: 'web', target: 'y', line: 7 }),
      itemWith('a/keyed2', { kind: 'keyed', target: 'y', options: { key: 'k' }, line: 9 }),
      itemWith('a/keyed3', { kind: 'keyed', target: 'y', line: 11 }),
    ]);
    const missing = 'option key: Invalid input: expected string, received undefined';
    expect(validateChecks(checklist, kinds).map((e) => e.format())).toEqual([
      `/tmp/launch.md:5:3: a/keyed: ${missing}`,
      `/tmp/launch.md:11:3: a/keyed3: ${missing}`,
    ]);
  });

  it('ignores manual items', () => {
    const checklist = checklistOf([{ ...itemWith('a/b', { kind: 'nope', target: 'x' }), check: null }]);
    expect(validateChecks(checklist, registry)).toEqual([]);
  });
});
