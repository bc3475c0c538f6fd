import type { DueSpec } from '../model/checklist.js';

// The `due:` syntax is shared with the check block's common options (model/check-options.ts).
export { isIsoDate, parseDue } from '../model/due-date.js';

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
/** Annotations in a trailing `<!-- due: +14d owner: sre -->` comment, or undefined when it holds none. */
export function parseAnnotation(html: string): { due?: string; owner?: string } | undefined {
  const body = /^<!--([\s\S]*?)-->$/.exec(html.trim())?.[1];
  if (body === undefined) return undefined;
  const out: { due?: string; owner?: string } = {};
  for (const match of body.matchAll(/\b(due|owner)\s*:\s*(\S+)/g))
    out[match[1] as 'due' | 'owner'] = match[2]!;
  return out.due !== undefined || out.owner !== undefined ? out : undefined;
}
