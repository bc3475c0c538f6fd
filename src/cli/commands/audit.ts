import type { AuditEvent } from '../../engine/store.js';
import { canonicalJson } from '../../model/audit.js';
import { displayText } from '../../model/display-text.js';

import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';

const usage = 'audit verify [--format text|json] | audit list [--after SEQ] [--limit N] [--format text|json]';

function formatOf(value: string | undefined): 'text' | 'json' {
  const f = value ?? 'text';
  if (f !== 'text' && f !== 'json')
    throw new ConfigError(`unknown format "${f}"; use text or json`, 'format');
  return f;
}

function integerFlag(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ConfigError(`--${flag} ${value}: give a whole number from ${min} to ${max}`, flag);
  }
  return n;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

async function verify(ctx: CommandContext, format: 'text' | 'json'): Promise<number> {
  const store = await ctx.services.openStore({ existing: true });
  const v = await store.verifyAudit();
  const out = ctx.io.stdout;
  if (format === 'json') {
    out.write(`${JSON.stringify(v)}\n`);
  } else if (v.ok && v.head) {
    out.write(
      `audit log intact: ${plural(v.count, 'event')}, hash chain verified\n` +
        `head: event ${v.head.seq} sha256:${v.head.hash}\n` +
        'keep this head hash outside the database (a ticket, a release note); a later verify that ends on a ' +
        'different hash for the same event means the log was rewritten\n',
    );
  } else if (v.ok) {
    out.write(
      'audit log intact: 0 events (nothing recorded yet; check --db or GONOGO_DB if you expected events)\n',
    );
  } else {
    out.write(
      `audit log BROKEN at event ${v.firstBad?.seq}: ${v.firstBad?.reason}\n` +
        `${plural(v.count, 'event')} before it verified\n` +
        'the store was changed outside gonogo: restore it from a backup, and check who can write to audit_events ' +
        '(docs/trust-model.md)\n',
    );
  }
  return v.ok ? EXIT.OK : EXIT.BROKEN;
}

/** One event per line; actors, names and data are whatever people typed, so shown as visible escapes. */
function line(e: AuditEvent): string {
  const where = [e.checklist, e.environment].filter(Boolean).join('/');
  return displayText(
    `#${e.seq}  ${e.at}  ${e.type.padEnd(19)} ${e.actor}${where ? `  ${where}` : ''}  ${canonicalJson(e.data)}`,
  );
}

async function list(
  ctx: CommandContext,
  opts: { after?: number | undefined; limit?: number | undefined },
  format: 'text' | 'json',
) {
  const store = await ctx.services.openStore({ existing: true });
  const events = await store.listAudit({
    ...(opts.after !== undefined ? { after: opts.after } : {}),
    limit: opts.limit ?? 100,
  });
  if (format === 'json') {
    ctx.io.stdout.write(`${JSON.stringify(events)}\n`);
    return EXIT.OK;
  }
  if (events.length === 0) {
    ctx.io.stdout.write(opts.after ? `no events after #${opts.after}\n` : 'no events recorded yet\n');
    return EXIT.OK;
  }
  ctx.io.stdout.write(`${events.map(line).join('\n')}\n`);
  const last = events.at(-1)!;
  if (events.length === (opts.limit ?? 100)) {
    ctx.io.stderr.write(`more may follow: gonogo audit list --after ${last.seq}\n`);
  }
  return EXIT.OK;
}

/** `gonogo audit`: verify the hash chain, or list events. */
const command: Command = {
  summary: 'verify the audit hash chain (exit 1 names the first bad event) or list events',
  usage: `usage: gonogo ${usage} [--db PATH|URL]
  verify          recompute every hash in order; exit 0 intact (prints the head hash), 1 broken
  list            events in order: --after SEQ to page on, --limit N (default 100, at most 1000)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      { after: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' } },
      usage,
    );
    const [sub] = positionals(pos, ['verify or list'], usage) as [string];
    const format = formatOf(values.format);
    if (sub === 'verify') {
      if (values.after !== undefined || values.limit !== undefined) {
        throw new ConfigError(
          'audit verify checks the whole log; --after and --limit belong to audit list',
          'after',
        );
      }
      return verify(ctx, format);
    }
    if (sub === 'list') {
      const after = integerFlag(values.after, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = integerFlag(values.limit, 'limit', 1, 1000);
      return list(ctx, { after, limit }, format);
    }
    throw new ConfigError(`unknown audit command "${sub}"; use verify or list\nusage: gonogo ${usage}`);
  },
};

export default command;
