import type { DueSpec, Item } from './checklist.js';
import type { Attestation } from './state.js';

/** Parse a `due:` value: an ISO date (YYYY-MM-DD) or `+Nd` / `+Nw` from launch. Returns an error text when bad. */
export function parseDue(value: string): DueSpec | string {
  const text = value.trim();
  const offset = /^\+(\d{1,4})([dw])$/.exec(text);
  if (offset)
    return { offsetDays: Number(offset[1]) * (offset[2] === 'w' ? 7 : 1), source: 'annotation', text };
  if (isIsoDate(text)) return { date: text, source: 'annotation', text };
  return `due "${value}" is neither a date (YYYY-MM-DD) nor an offset from launch like +14d`;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const DAY = 86_400_000;

/** Resolve an item's due date (YYYY-MM-DD) from its DueSpec and the launch date. */
export function resolveDue(item: Item, launch: string | undefined): string | null {
  const due = item.due;
  if (!due) return null;
  if (due.date) return due.date;
  if (due.offsetDays !== undefined && launch) {
    const base = Date.parse(`${launch}T00:00:00Z`);
    if (Number.isNaN(base)) return null;
    return new Date(base + due.offsetDays * DAY).toISOString().slice(0, 10);
  }
  return null;
}

/** `7d` -> 7; undefined for anything else (recurring periods are whole days). */
function periodDays(recurs: string | undefined): number | undefined {
  const match = recurs ? /^(\d+)d$/.exec(recurs) : null;
  return match ? Number(match[1]) : undefined;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A recurring item's attestation holds for one period (or less, if it says so), and the item is due one
 * period after launch, then one period after each attestation.
 */
export function recurring(
  item: Item,
  launch: string | undefined,
  attestation: Attestation | undefined,
): { due: string | null; attestation: Attestation | undefined } {
  const days = periodDays(item.recurs);
  if (days === undefined) return { due: resolveDue(item, launch), attestation };
  if (attestation) {
    const end = Date.parse(attestation.at) + days * DAY;
    const expiresAt =
      attestation.expiresAt && Date.parse(attestation.expiresAt) < end
        ? attestation.expiresAt
        : new Date(end).toISOString();
    return { due: dayOf(Date.parse(expiresAt)), attestation: { ...attestation, expiresAt } };
  }
  const base = launch ? Date.parse(`${launch}T00:00:00Z`) : Number.NaN;
  return { due: Number.isNaN(base) ? null : dayOf(base + days * DAY), attestation };
}
