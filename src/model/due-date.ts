import type { DueSpec } from './checklist.js';

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
