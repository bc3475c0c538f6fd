import { setFlagsFromString } from 'node:v8';
import type { AuditEvent, AuditHead, AuditVerification } from '../../engine/store.js';
import { canonicalJson, describeTampered } from '../../model/audit.js';
import { displayText } from '../../model/display-text.js';

import { ConfigError } from '../../model/errors.js';
import { parseArgs, positionals } from '../args.js';
import { type Command, type CommandContext, EXIT } from '../context.js';
import { setRunFlags, VERIFY_FLAGS } from '../run-flags.js';

const usage =
  'audit verify [--head SEQ:HASH] [--format text|json] | audit head [--format text|json] | audit list [--after SEQ] [--limit N] [--format text|json]';

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

/** `SEQ:HASH` (or `SEQ HASH`, `SEQ:sha256:HASH`) as `gonogo audit head` prints it. */
export function parseHead(value: string): AuditHead {
  const m = /^\s*(\d+)[:\s]+(?:sha256:)?([0-9a-fA-F]{64})\s*$/.exec(value);
  const seq = m ? Number(m[1]) : 0;
  if (!m || !Number.isSafeInteger(seq) || seq < 1) {
    throw new ConfigError(
      `--head ${JSON.stringify(value)}: give SEQ:HASH as \`gonogo audit head\` prints it (event number, 64 hex digits)`,
      'head',
    );
  }
  return { seq, hash: m[2]!.toLowerCase() };
}

/**
 * The store's page cache while verifying (SQLite; KiB): verify reads each page of the file once, in order,
 * so the driver's 16 MB cache only filled with pages never read again (~4,000 page faults, +16 MB at the
 * peak, ~5% of verify's CPU in a fresh process: bench/README "branch verify14").
 */
const VERIFY_PAGE_CACHE_KIB = 1024;

/** Every tampered state row is named; a long list stops after this many lines. */
const MAX_TAMPERED_LINES = 50;

async function verify(
  ctx: CommandContext,
  format: 'text' | 'json',
  witness: AuditHead | undefined,
): Promise<number> {
  const store = await ctx.services.openStore({ existing: true, pageCacheKiB: VERIFY_PAGE_CACHE_KIB });
  // The young generation grown at once while the chain is read (run-flags.ts VERIFY_FLAGS).
  const restoreFlags = setRunFlags(ctx.io.env, process.execArgv, setFlagsFromString, VERIFY_FLAGS);
  let v: AuditVerification;
  try {
    v = await store.verifyAudit(witness ? { head: witness } : {});
  } finally {
    restoreFlags();
  }
  const out = ctx.io.stdout;
  if (format === 'json') {
    out.write(`${JSON.stringify(v)}\n`);
    return v.ok ? EXIT.OK : EXIT.BROKEN;
  }
  if (v.firstBad) {
    out.write(
      `audit log BROKEN at event ${v.firstBad.seq}: ${v.firstBad.reason}\n` +
        `${plural(v.count, 'event')} before it verified\n` +
        'the store was changed outside gonogo: restore it from a backup, and check who can write to audit_events ' +
        '(docs/trust-model.md)\n',
    );
    return EXIT.BROKEN;
  }
  const lines: string[] = [];
  const tampered = v.tampered ?? [];
  if (v.ok && v.head) {
    lines.push(
      `audit log intact: ${plural(v.count, 'event')}, hash chain verified, every state row matches its event`,
      `head: event ${v.head.seq} sha256:${v.head.hash}`,
    );
    if (v.witness)
      lines.push(`witnessed head: event ${v.witness.seq} is still in the log with the same hash`);
    lines.push(
      'keep this head hash outside the database (a CI artifact, a ticket, a git tag: `gonogo audit head`); ' +
        '`gonogo audit verify --head SEQ:HASH` later proves the log still holds it',
    );
  } else if (v.ok) {
    lines.push(
      'audit log intact: 0 events (nothing recorded yet; check --db or GONOGO_DB if you expected events)',
    );
  } else {
    lines.push(`audit log BROKEN: hash chain of ${plural(v.count, 'event')} verified, but`);
    if (v.witness && !v.witness.ok) lines.push(`  witnessed head NOT in the log: ${v.witness.reason}`);
    for (const t of tampered.slice(0, MAX_TAMPERED_LINES))
      lines.push(`  tampered state: ${describeTampered(t)}`);
    if (tampered.length > MAX_TAMPERED_LINES) {
      lines.push(`  … and ${tampered.length - MAX_TAMPERED_LINES} more (--format json lists all)`);
    }
    if (tampered.length > 0) lines.push('rows the chain does not vouch for are left out of every verdict');
    lines.push(
      'the store was changed outside gonogo: restore it from a backup, and check who can write to it ' +
        '(docs/trust-model.md)',
    );
  }
  out.write(`${lines.join('\n')}\n`);
  return v.ok ? EXIT.OK : EXIT.BROKEN;
}

async function head(ctx: CommandContext, format: 'text' | 'json'): Promise<number> {
  const store = await ctx.services.openStore({ existing: true });
  const h = await store.auditHead();
  if (format === 'json') {
    ctx.io.stdout.write(`${JSON.stringify(h ?? null)}\n`);
  } else if (h) {
    ctx.io.stdout.write(`${h.seq} ${h.hash}\n`);
  } else {
    ctx.io.stderr.write('the audit log is empty: there is no head yet\n');
    return EXIT.BROKEN;
  }
  return EXIT.OK;
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
  usage: `usage: gonogo ${usage} [--db PATH|URL]
  verify          recompute every hash in order and check every state row against its event;
                  exit 0 intact (prints the head), 1 broken (names every bad event or row)
    --head SEQ:HASH   also prove the log still holds this earlier head (kept outside the database)
  head            print the last event as \`SEQ HASH\` (exit 1 when the log is empty)
  list            events in order: --after SEQ to page on, --limit N (default 100, at most 1000)`,
  async run(args, ctx) {
    const { values, positionals: pos } = parseArgs(
      args,
      {
        after: { type: 'string' },
        limit: { type: 'string' },
        format: { type: 'string' },
        head: { type: 'string' },
      },
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
      return verify(ctx, format, values.head === undefined ? undefined : parseHead(values.head));
    }
    if (values.head !== undefined) {
      throw new ConfigError('--head belongs to audit verify', 'head');
    }
    if (sub === 'head') return head(ctx, format);
    if (sub === 'list') {
      const after = integerFlag(values.after, 'after', 0, Number.MAX_SAFE_INTEGER);
      const limit = integerFlag(values.limit, 'limit', 1, 1000);
      return list(ctx, { after, limit }, format);
    }
    throw new ConfigError(`unknown audit command "${sub}"; use verify, head or list\nusage: gonogo ${usage}`);
  },
};

export default command;
