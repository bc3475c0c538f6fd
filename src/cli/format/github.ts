import type { RunReport } from '../../engine/report.js';
import { displayText } from '../../model/display-text.js';
import type { Formatter, ReportItem } from './formatter.js';

/**
 * GitHub Actions workflow commands (https://docs.github.com/actions/reference/workflow-commands-for-github-actions):
 * the message is escaped for `%`, CR and LF; property values also for `:` and `,`, which end them.
 * Control and bidi characters then become visible escapes: the log viewer must not act on them.
 */
export const escapeData = (s: string): string =>
  displayText(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One workflow command line: `::error file=launch.md,line=12,title=…::message`. */
export function annotation(
  level: 'error' | 'warning' | 'notice',
  message: string,
  props: { file?: string; line?: number; title?: string },
): string {
  const parts: string[] = [];
  if (props.file) parts.push(`file=${escapeProperty(props.file)}`);
  if (props.line !== undefined) parts.push(`line=${props.line}`);
  if (props.title) parts.push(`title=${escapeProperty(props.title)}`);
  return `::${level}${parts.length > 0 ? ` ${parts.join(',')}` : ''}::${escapeData(message)}`;
}

/** Long titles make the annotation list unreadable; GitHub shows the message in full anyway. */
const cut = (s: string, n = 100) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * `--format github`: the annotations alone, one `::error` per reason that blocks GO (at the item's line
 * in the checklist; sign-offs without a line) and a `::warning` per failing advisory item.
 */
const github: Formatter = {
  name: 'github',
  summary: 'GitHub Actions annotations: one ::error per blocking item at its line in the checklist',
  render(report: RunReport): string {
    const file = report.checklist.file?.replace(/\\/g, '/');
    const items = new Map<string, ReportItem>(report.items.map((i) => [i.id, i]));
    const lines: string[] = [];
    for (const reason of report.reasons) {
      const item = reason.item ? items.get(reason.item) : undefined;
      if (item) {
        lines.push(
          annotation('error', reason.message, {
            ...(file ? { file } : {}),
            ...(item.line !== undefined ? { line: item.line } : {}),
            title: cut(`NO-GO: ${item.status}: ${item.title}`),
          }),
        );
      } else {
        lines.push(annotation('error', reason.message, { ...(file ? { file } : {}), title: 'NO-GO' }));
      }
    }
    for (const item of report.items) {
      if (item.blocking || (item.status !== 'fail' && item.status !== 'error')) continue;
      lines.push(
        annotation('warning', item.message || item.status, {
          ...(file ? { file } : {}),
          ...(item.line !== undefined ? { line: item.line } : {}),
          title: cut(`advisory ${item.status}: ${item.title}`),
        }),
      );
    }
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  },
};

export default github;
