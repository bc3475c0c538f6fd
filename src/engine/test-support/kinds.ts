import * as z from 'zod';
import type { Checklist, CheckSpec, Item } from '../../model/checklist.js';
import { checkSpec, type WrittenCheck } from '../../model/test-support/check-spec.js';
import { taskItem } from '../../model/test-support/decide-inputs.js';
import {
  type CheckDefinition,
  CheckFailure,
  defineCheck,
  type KindRegistry,
  type Observation,
} from '../check.js';

/** In-process kinds for engine tests: they observe what the test tells them, with the real contract. */

/** A registry over a fixed list of definitions. */
export function registryOf(...defs: CheckDefinition<unknown, unknown>[]): KindRegistry {
  const byName = new Map(defs.map((d) => [d.kind, d]));
  return { get: (kind) => byName.get(kind), names: () => [...byName.keys()].sort() };
}

/** An HTTP-like kind: variables of every interesting CEL type, a strict option schema. */
export const webKind = defineCheck({
  kind: 'web',
  summary: 'test kind shaped like http',
  target: z.string().min(1),
  options: z.strictObject({
    headers: z.record(z.string(), z.string()).optional(),
    body: z.string().optional(),
  }),
  variables: {
    status: { type: 'int', description: 'status code' },
    headers: { type: 'map<string, string>', description: 'headers' },
    body: { type: 'dyn', description: 'body' },
    latency_ms: { type: 'double', description: 'latency' },
  },
  defaultExpect: ['status >= 200 && status < 300'],
  hostKey: (target: string) => target.split('/')[0],
  async run(target: string): Promise<Observation> {
    return { status: 200, headers: {}, body: { target }, latency_ms: 1 };
  },
});

/** A TLS-like kind: a double compared against int literals. */
export const certKind = defineCheck({
  kind: 'cert',
  summary: 'test kind shaped like tls',
  target: z.string(),
  options: z.strictObject({}),
  variables: {
    valid: { type: 'bool', description: 'valid' },
    days_left: { type: 'double', description: 'days left' },
  },
  defaultExpect: ['valid && days_left > 14'],
  async run() {
    return { valid: true, days_left: 30 };
  },
});

/** An env-like kind with a secret variable. */
export const secretKind = defineCheck({
  kind: 'secret',
  summary: 'test kind shaped like env',
  target: z.string(),
  options: z.strictObject({}),
  variables: {
    set: { type: 'bool', description: 'set' },
    value: { type: 'string', description: 'value', secret: true },
    length: { type: 'int', description: 'length' },
  },
  defaultExpect: ['set'],
  async run(name: string, _o, ctx) {
    const value = ctx.env[name];
    return value === undefined ? { set: false } : { set: true, value, length: value.length };
  },
});

/** A DB-like kind that throws CheckFailure with a partial observation. */
export const dbKind = defineCheck({
  kind: 'db',
  summary: 'test kind shaped like postgres',
  target: z.string(),
  options: z.strictObject({ query: z.string().optional() }),
  variables: {
    connected: { type: 'bool', description: 'connected' },
    rows: { type: 'list<map<string, dyn>>', description: 'rows' },
    count: { type: 'int', description: 'count' },
  },
  defaultExpect: ['connected'],
  async run(target: string) {
    throw new CheckFailure(`connect ECONNREFUSED ${target}`, { connected: false });
  },
});

/** An item bound to a check (common options as written, parsed as the reader would), the rest defaulted. */
export function itemWith(
  id: string,
  check: WrittenCheck,
  extra: Partial<Item> = {},
): Item & { check: CheckSpec } {
  return {
    id,
    title: id,
    kind: 'task',
    section: ['Checks'],
    checked: false,
    blocking: true,
    line: 1,
    column: 1,
    description: '',
    ...extra,
    check: checkSpec(check),
  };
}

/** A manual item. */
export function manualItem(id: string, extra: Partial<Item> = {}): Item {
  return taskItem(id, { section: ['Manual'], ...extra });
}

/** A checklist over items, with one environment `production` unless told otherwise. */
export function checklistOf(items: Item[], extra: Partial<Checklist> = {}): Checklist {
  return {
    id: 'launch',
    name: 'Launch',
    digest: 'sha256:0000',
    file: '/tmp/launch.md',
    environments: { production: {} },
    policy: { waiver_max_days: 30, signoffs: [] },
    notify: [],
    sections: [],
    items,
    signoffs: [],
    warnings: [],
    ...extra,
  };
}
