import type { DueSpec } from '../model/checklist.js';
import { fold } from './slug.js';

const UNIT_DAYS: Record<string, number> = {
  hour: 1 / 24,
  hours: 1 / 24,
  saat: 1 / 24,
  day: 1,
  days: 1,
  gun: 1,
  week: 7,
  weeks: 7,
  hafta: 7,
  month: 30,
  months: 30,
  ay: 30,
};
const UNIT = '(hours?|saat|days?|gun|weeks?|hafta|months?|ay)';
const RANGE = new RegExp(`\\b(\\d+)\\s*(?:[-–—]|to)\\s*(\\d+)\\s*${UNIT}\\b`);
const FIRST = new RegExp(`\\b(?:first|ilk)\\s+(?:(\\d+)\\s*)?${UNIT}\\b`);

/**
 * The due window a heading names, in days after launch: `0–14 Gün (P0)` and `0-14 days` -> 0..14,
 * `First 24 Hours` -> 0..1, `First Week` -> 0..7, `İlk 2 Hafta` -> 0..14. Undefined for other headings.
 */
export function windowFromHeading(heading: string): DueSpec | undefined {
  const text = fold(heading);
  const range = RANGE.exec(text);
  if (range) {
    const unit = UNIT_DAYS[range[3]!]!;
    const from = Math.floor(Number(range[1]) * unit);
    const to = Math.ceil(Number(range[2]) * unit);
    if (to < from) return undefined;
    return { fromDays: from, offsetDays: to, source: 'heading', text: heading };
  }
  const first = FIRST.exec(text);
  if (first) {
    const days = Math.ceil(Number(first[1] ?? 1) * UNIT_DAYS[first[2]!]!);
    return { fromDays: 0, offsetDays: days, source: 'heading', text: heading };
  }
  return undefined;
}

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

/** Annotations in a trailing `<!-- due: +14d owner: sre -->` comment, or undefined when it holds none. */
export function parseAnnotation(html: string): { due?: string; owner?: string } | undefined {
  const body = /^<!--([\s\S]*?)-->$/.exec(html.trim())?.[1];
  if (body === undefined) return undefined;
  const out: { due?: string; owner?: string } = {};
  for (const match of body.matchAll(/\b(due|owner)\s*:\s*(\S+)/g))
    out[match[1] as 'due' | 'owner'] = match[2]!;
  return out.due !== undefined || out.owner !== undefined ? out : undefined;
}
