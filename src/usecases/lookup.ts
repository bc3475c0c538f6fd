import type { Checklist, Item } from '../model/checklist.js';
import { editDistance } from '../model/suggest.js';
import { ActionError } from './action-error.js';

/** The environment name to use: the one asked for (must exist), else the checklist's first. */
export function resolveEnvironment(checklist: Checklist, requested: string | undefined): string {
  const names = Object.keys(checklist.environments);
  const known = names.length > 0 ? names : ['default'];
  if (requested === undefined || requested === '') return known[0]!;
  if (!known.includes(requested)) {
    throw new ActionError(
      'unknown-environment',
      `unknown environment "${requested}" for checklist ${checklist.id}; known: ${known.join(', ')}`,
      'env',
    );
  }
  return requested;
}

/** Find an item by id or exact title; an unknown reference names the closest ids. */
export function findItem(checklist: Checklist, ref: string, field = 'item'): Item {
  const byId = checklist.items.find((i) => i.id === ref);
  if (byId) return byId;
  const byTitle = checklist.items.filter((i) => i.title === ref);
  if (byTitle.length === 1) return byTitle[0]!;
  const close = closeMatches(
    ref,
    checklist.items.map((i) => i.id),
  );
  const hint =
    close.length > 0 ? `; did you mean ${close.join(', ')}?` : '; list ids with `gonogo lint FILE`';
  throw new ActionError('unknown-item', `no item "${ref}" in checklist ${checklist.id}${hint}`, field);
}

function closeMatches(ref: string, ids: string[]): string[] {
  const needle = ref.toLowerCase();
  const tail = needle.split('/').pop() ?? needle;
  return ids
    .map((id) => ({ id, d: editDistance(tail, id.split('/').pop() ?? id) }))
    .filter((m) => m.id.includes(tail) || m.d <= Math.max(2, Math.floor(tail.length / 4)))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((m) => m.id);
}

/** The trimmed value, or a `missing` refusal naming the field. */
export function required(value: string | undefined, field: string, what: string): string {
  const v = value?.trim() ?? '';
  if (v === '') throw new ActionError('missing', `${field}: ${what} is required`, field);
  return v;
}
