import type { Verdict } from '../../model/status.js';
import type { Evaluation } from '../../model/verdict.js';

/** What a status badge says: the verdict and how many blocking items are clear. */
export interface BadgeFacts {
  label: string;
  verdict: Verdict;
  clear: number;
  total: number;
}

const GREEN = '#1a7f37';
const RED = '#cf222e';
const GREY = '#555';

/**
 * The facts of a badge from an evaluation: sign-off slots are counted by the verdict, not as items, as on
 * the dashboard's progress bar.
 * @example badgeFacts('launch · production', evaluation) // { verdict: 'NO-GO', clear: 5, total: 12, ... }
 */
export function badgeFacts(label: string, evaluation: Evaluation): BadgeFacts {
  const blocking = evaluation.items.filter((i) => i.blocking && i.kind !== 'signoff');
  const clear = blocking.filter((i) => ['pass', 'waived', 'skipped'].includes(i.status)).length;
  return { label, verdict: evaluation.verdict, clear, total: blocking.length };
}

/** The badge's right-hand text: `GO · 12/12 clear`. */
export function badgeMessage(f: BadgeFacts): string {
  return `${f.verdict} · ${f.clear}/${f.total} clear`;
}

/** The shields.io endpoint answer (https://shields.io/badges/endpoint-badge). */
export function badgeJson(f: BadgeFacts) {
  return {
    schemaVersion: 1 as const,
    label: f.label,
    message: badgeMessage(f),
    color: f.verdict === 'GO' ? 'brightgreen' : 'red',
  };
}

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.codePointAt(0)};`);

// Verdana 11px averages about 6.5px a character; shields.io measures exactly, an estimate is enough here.
const textWidth = (s: string) => Math.round(s.length * 6.5) + 12;

/**
 * A flat badge as SVG: label on grey, verdict and progress on green or red, with a `<title>` (and
 * `role="img"`/`aria-label`) so screen readers and tooltips say the same as the picture.
 */
export function badgeSvg(f: BadgeFacts): string {
  const message = badgeMessage(f);
  const lw = textWidth(f.label);
  const mw = textWidth(message);
  const w = lw + mw;
  const title = `${f.label}: ${f.verdict}, ${f.clear} of ${f.total} blocking items clear`;
  const colour = f.verdict === 'GO' ? GREEN : RED;
  const t = escapeXml(title);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${t}">`,
    `<title>${t}</title>`,
    `<rect width="${lw}" height="20" fill="${GREY}"/>`,
    `<rect x="${lw}" width="${mw}" height="20" fill="${colour}"/>`,
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">`,
    `<text x="${lw / 2}" y="14">${escapeXml(f.label)}</text>`,
    `<text x="${lw + mw / 2}" y="14" font-weight="bold">${escapeXml(message)}</text>`,
    '</g></svg>',
  ].join('');
}
