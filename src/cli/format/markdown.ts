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
  type ReportItem,
  STATUS_ORDER,
  shortDigest,
  signerText,
  signoffState,
} from './formatter.js';

const STATUS_EMOJI: Record<ItemStatus, string> = {
  pass: '✅',
  fail: '❌',
  error: '⚠️',
  pending: '⏳',
  waived: '🟨',
  skipped: '⏭️',
};

/**
 * Make arbitrary text (titles, check messages, observed values) literal Markdown: every ASCII
 * punctuation character CommonMark could read as markup is backslash-escaped, and line breaks become
 * `<br>` so a message never breaks out of its table cell. Control and bidi characters first become
 * visible escapes: a viewer or a terminal showing the raw file must not act on them.
 */
export function escapeMarkdown(text: string): string {
  return displayText(text, { multiline: true })
    .replace(/[\\`*_[\]<>|~&!#]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, '<br>')
    .replace(/\r/g, '<br>');
}

/** An id or digest in a code span; gonogo ids are slugs, so they hold no backtick or pipe. */
const code = (s: string) => `\`${displayText(s).replace(/[`|]/g, '')}\``;

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

function table(head: string[], rows: string[][], align?: string[]): string[] {
  return [row(head), row(align ?? head.map(() => '---')), ...rows.map(row)];
}

function itemCell(item: ReportItem): string {
  const marks = [
    ...(item.blocking ? [] : ['_(advisory)_']),
    ...(item.due ? [item.overdue ? `**overdue** since ${item.due}` : `due ${item.due}`] : []),
    ...(item.recurs ? [`every ${item.recurs}`] : []),
    ...(item.owner ? [`owner ${escapeMarkdown(item.owner)}`] : []),
  ];
  return `${escapeMarkdown(item.title)}${marks.length ? ` ${marks.join(' · ')}` : ''}<br>${code(item.id)}`;
}

function messageCell(item: ReportItem): string {
  const parts = item.message ? [escapeMarkdown(item.message)] : [];
  if (item.status === 'fail' || item.status === 'error') {
    const pairs = observedPairs(item.observed, item.message);
    if (pairs.length > 0) parts.push(`observed: ${escapeMarkdown(pairs.join(' '))}`);
  }
  if (item.flags.length > 0) parts.push(`flags: ${escapeMarkdown(item.flags.join(', '))}`);
  return parts.join('<br>');
}

/** A report a launch owner can paste into a ticket: verdict, summary, blocking reasons, sign-offs, sections. */
const markdown: Formatter = {
  name: 'markdown',
  summary: 'a report to paste into a ticket: verdict, summary table, blocking reasons, sections, sign-offs',
  render(report: RunReport) {
    const go = report.verdict === 'GO';
    const { checklist } = report;
    const out: string[] = [
      `# ${go ? '✅ GO' : '❌ NO-GO'}: ${escapeMarkdown(checklist.name)} (${escapeMarkdown(report.environment)})`,
      '',
      [
        `Checklist ${code(checklist.id)}`,
        `digest ${code(shortDigest(checklist.digest))}`,
        `evaluated ${escapeMarkdown(report.at)}`,
        ...(report.run !== undefined ? [`run #${report.run}`] : []),
      ].join(' · '),
      '',
      ...table(
        [...STATUS_ORDER.map((s) => `${STATUS_EMOJI[s]} ${s}`), 'total'],
        [
          [
            ...STATUS_ORDER.map((s) => String(report.summary[s])),
            String(STATUS_ORDER.reduce((n, s) => n + report.summary[s], 0)),
          ],
        ],
        [...STATUS_ORDER.map(() => '---:'), '---:'],
      ),
      '',
    ];

    const blocking = report.reasons.filter(isBlockingReason);
    const notes = report.reasons.filter((r) => !blocking.includes(r));
    out.push(`## Blocking (${blocking.length})`, '');
    if (blocking.length === 0) out.push('Nothing blocks GO.', '');
    else out.push(...blocking.map((r, i) => `${i + 1}. ${escapeMarkdown(r.message)}`), '');
    if (notes.length > 0) {
      out.push('## Notes', '', ...notes.map((r) => `- ${escapeMarkdown(r.message)}`), '');
    }

    out.push('## Sign-offs', '');
    if (report.signoffs.length === 0) out.push('No sign-offs required.', '');
    else {
      const rows = report.signoffs.map((s) => {
        const state = signoffState(s);
        const stale =
          s.current_evidence === false
            ? '⚠️ stale (signed on different evidence)'
            : '⚠️ stale (earlier version)';
        const label = { signed: '✅ signed', stale, missing: '❌ missing' }[state];
        const evidence = evidenceText(s).replace(/^ · evidence /, '');
        return [
          escapeMarkdown(s.role),
          label,
          escapeMarkdown(state === 'signed' ? signerText(s) : ''),
          escapeMarkdown(s.at ?? ''),
          escapeMarkdown(evidence),
        ];
      });
      out.push(...table(['role', 'status', 'by', 'at', 'evidence'], rows), '');
    }

    const { gate, after } = byPhase(report.items);
    const groups = (items: ReportItem[]) => {
      for (const group of groupBySection(items)) {
        out.push(`### ${escapeMarkdown(group.title)}`, '');
        const rows = group.items.map((item) => [
          `${STATUS_EMOJI[item.status]} ${displayStatus(item)}`,
          itemCell(item),
          messageCell(item),
        ]);
        out.push(...table(['status', 'item', 'message'], rows), '');
      }
    };
    out.push('## Items', '');
    groups(gate);
    if (after.length > 0) {
      out.push('## After launch', '', escapeMarkdown(afterLaunchLine(report, after)), '');
      groups([...after].sort((a, b) => Number(b.overdue) - Number(a.overdue)));
    }
    return `${out.join('\n').trimEnd()}\n`;
  },
};

export default markdown;
