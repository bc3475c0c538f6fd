import { inspect } from 'node:util';
import type { RunReport } from '../../engine/report.js';
import { displayText } from '../../model/display-text.js';
import type { ItemStatus } from '../../model/status.js';
import { displayStatus, isBlockingReason } from '../../model/verdict.js';
import {
  afterLaunchLine,
  byPhase,
  evidenceText,
  type Formatter,
  groupBySection,
  observedPairs,
  type RenderOptions,
  type ReportItem,
  STATUS_ORDER,
  shortDigest,
  signerText,
  signoffState,
  summaryLine,
} from './formatter.js';
import { WIDTH, width, wrap } from './wrap.js';

/** Every item of the checklist, from the summary: `--only failing` leaves fewer in `items`. */
const itemCount = (report: RunReport) => STATUS_ORDER.reduce((n, s) => n + report.summary[s], 0);

const CHIP = 7; // longest status name: PENDING / SKIPPED
const BODY_INDENT = 2 + CHIP + 2;

type Style = keyof typeof inspect.colors;

const STATUS_STYLE: Record<ItemStatus, Style[]> = {
  pass: ['green'],
  fail: ['red', 'bold'],
  error: ['magenta', 'bold'],
  pending: ['yellow'],
  waived: ['cyan'],
  skipped: ['gray'],
};

/** ANSI styling from Node's own table of SGR codes; a no-op when colour is off. */
function painter(color: boolean) {
  return (text: string, ...styles: Style[]) => {
    if (!color || text === '') return text;
    let out = text;
    for (const s of styles) {
      const codes = inspect.colors[s];
      if (codes) out = `\x1b[${codes[0]}m${out}\x1b[${codes[1]}m`;
    }
    return out;
  };
}

/**
 * Titles, messages and observed values come from documents and probed systems: escape sequences or
 * other control characters in them must not repaint or hide parts of the user's terminal, so they are
 * shown as visible escapes (the shared display-text rule).
 */
export const safe = (s: string): string => displayText(s, { multiline: true });

function formatAt(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}

function header(report: RunReport, paint: ReturnType<typeof painter>, cols: number): string[] {
  const { checklist } = report;
  const meta = [
    `environment ${safe(report.environment)}`,
    formatAt(report.at),
    ...(report.run !== undefined ? [`run #${report.run}`] : []),
    ...(report.durationMs !== undefined ? [`took ${formatMs(report.durationMs)}`] : []),
  ];
  const where = `${checklist.file ? `${checklist.file} · ` : ''}${checklist.id} · ${shortDigest(checklist.digest)}`;
  return [
    ...wrap(safe(checklist.name), 0, 0, cols).map((l) => paint(l, 'bold')),
    ...wrap(safe(where), 0, 0, cols).map((l) => paint(l, 'gray')),
    ...wrap(meta.join(' · '), 0, 0, cols),
  ];
}

function itemLines(item: ReportItem, paint: ReturnType<typeof painter>, cols: number): string[] {
  const chip = paint(displayStatus(item).toUpperCase().padEnd(CHIP), ...STATUS_STYLE[item.status]);
  const [firstLine = '', ...rest] = wrap(safe(item.title), BODY_INDENT, BODY_INDENT, cols);
  const out = [`  ${chip}  ${firstLine.slice(BODY_INDENT)}`, ...rest];
  if (item.status === 'pass') return out;

  const marks = [
    item.id,
    ...(item.blocking ? [] : ['advisory']),
    ...(item.due ? [item.overdue ? `overdue since ${item.due}` : `due ${item.due}`] : []),
    ...(item.recurs ? [`every ${item.recurs}`] : []),
    ...(item.owner ? [`owner ${item.owner}`] : []),
    ...item.flags,
  ];
  const failed = item.status === 'fail' || item.status === 'error';
  // A pending, waived or skipped item's message is routine ("awaiting attestation"): it shares the id line.
  const routine = !failed && item.message ? ` · ${item.message}` : '';
  for (const line of wrap(safe(marks.join(' · ') + routine), BODY_INDENT, BODY_INDENT, cols)) {
    out.push(item.overdue ? paint(line, 'red') : paint(line, 'gray'));
  }
  if (failed) {
    if (item.message)
      for (const line of wrap(safe(item.message), BODY_INDENT, BODY_INDENT, cols))
        out.push(paint(line, 'bold'));
    const pairs = observedPairs(item.observed, item.message);
    if (pairs.length > 0) {
      for (const line of wrap(safe(`observed: ${pairs.join(' ')}`), BODY_INDENT + 2, BODY_INDENT, cols)) {
        out.push(paint(line, 'gray'));
      }
    }
  }
  return out;
}

function center(s: string, size: number): string {
  const left = Math.floor((size - width(s)) / 2);
  return `${' '.repeat(left)}${s}`.padEnd(size);
}

function verdictBlock(report: RunReport, paint: ReturnType<typeof painter>, cols: number): string[] {
  const go = report.verdict === 'GO';
  const word = center(report.verdict, 11);
  const style: Style[] = go ? ['bgGreen', 'black', 'bold'] : ['bgRed', 'white', 'bold'];
  const bar = '━'.repeat(width(word) + 2);
  const label = safe(`${report.checklist.name} · ${report.environment}`);
  // The label beside the box is cut with an ellipsis: the full name heads the report already.
  const room = cols - (width(bar) + 6);
  const fitted = width(label) > room ? `${[...label].slice(0, Math.max(0, room - 1)).join('')}…` : label;
  const out = [`  ┏${bar}┓`, `  ┃ ${paint(word, ...style)} ┃  ${paint(fitted, 'bold')}`, `  ┗${bar}┛`, ''];
  const blocking = report.reasons.filter(isBlockingReason);
  const notes = report.reasons.filter((r) => !blocking.includes(r));
  if (go) {
    out.push(
      ...wrap(
        'Every blocking item passed, was waived or skipped, and every required sign-off is in.',
        0,
        0,
        cols,
      ),
    );
  } else {
    out.push(paint(`Why NO-GO (${blocking.length}):`, 'bold'));
  }
  const numbered = (list: typeof report.reasons) => {
    const digits = String(list.length).length;
    list.forEach((r, i) => {
      const n = `${String(i + 1).padStart(digits + 2)}. `;
      const [first = '', ...rest] = wrap(safe(r.message), n.length, n.length, cols);
      out.push(n + first.slice(n.length), ...rest);
    });
  };
  numbered(blocking);
  if (notes.length > 0) {
    out.push(paint('Notes:', 'bold'));
    numbered(notes);
  }
  // Rows the audit chain does not vouch for: left out of the verdict, and said out loud.
  for (const t of report.tampered ?? []) out.push(paint(safe(t.message), 'red', 'bold'));
  return out;
}

function signoffLines(report: RunReport, paint: ReturnType<typeof painter>, cols: number): string[] {
  if (report.signoffs.length === 0) return ['Sign-offs: none required'];
  const signed = report.signoffs.filter((s) => signoffState(s) === 'signed').length;
  // A long role must not push the rest past the edge: the column is capped and the text wraps under it.
  const roleWidth = Math.min(Math.max(...report.signoffs.map((s) => width(s.role))), Math.floor(cols / 3));
  const out = [paint(`Sign-offs: ${signed} of ${report.signoffs.length}`, 'bold')];
  for (const s of report.signoffs) {
    const state = signoffState(s);
    const role = safe(s.role).padEnd(roleWidth);
    const [mark, what] =
      state === 'signed'
        ? [paint('✓', 'green'), `${safe(signerText(s))}${s.at ? ` · ${s.at}` : ''}${evidenceText(s)}`]
        : state === 'stale'
          ? [
              paint('!', 'yellow'),
              `stale: ${s.current_evidence === false ? 'signed on different evidence' : 'signed an earlier version'}`,
            ]
          : [paint('✗', 'red'), 'missing'];
    const line = `${role}  ${what}`;
    if (width(line) + 4 <= cols) out.push(`  ${mark} ${line}`);
    else {
      const [first = '', ...rest] = wrap(line, 4, 4, cols);
      out.push(`  ${mark} ${first.slice(4)}`, ...rest);
    }
  }
  return out;
}

/** For people: sections with coloured status chips, failure details, then a verdict block with reasons. */
const text: Formatter = {
  name: 'text',
  summary: 'for people: sections, coloured statuses, failures, the verdict and its reasons',
  render(report: RunReport, opts: RenderOptions) {
    const paint = painter(opts.color);
    const cols = opts.width ?? WIDTH;
    const out = header(report, paint, cols);
    const { gate, after } = byPhase(report.items);
    for (const group of groupBySection(gate)) {
      out.push('', ...wrap(safe(group.title), 0, 0, cols).map((l) => paint(l, 'bold', 'underline')));
      for (const item of group.items) out.push(...itemLines(item, paint, cols));
    }
    if (after.length > 0) {
      // The program after the launch, apart: overdue items first once the launch has happened.
      out.push(
        '',
        '─'.repeat(cols),
        ...wrap(safe(afterLaunchLine(report, after)), 0, 0, cols).map((l) => paint(l, 'bold')),
      );
      const ordered = [...after].sort((a, b) => Number(b.overdue) - Number(a.overdue));
      for (const group of groupBySection(ordered)) {
        out.push('', ...wrap(safe(group.title), 0, 0, cols).map((l) => paint(l, 'bold', 'underline')));
        for (const item of group.items) out.push(...itemLines(item, paint, cols));
      }
    }
    const advisory = report.items.filter((i) => !i.blocking).length;
    out.push(
      '',
      '─'.repeat(cols),
      ...wrap(
        `${itemCount(report)} items: ${summaryLine(report)}${advisory ? ` (${advisory} advisory, never blocking)` : ''}`,
        0,
        0,
        cols,
      ),
      '',
      ...verdictBlock(report, paint, cols),
      '',
      ...signoffLines(report, paint, cols),
    );
    return `${out.map((l) => l.trimEnd()).join('\n')}\n`;
  },
};

export default text;
