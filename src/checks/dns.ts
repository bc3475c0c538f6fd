import { isIP } from 'node:net';
import * as z from 'zod';
import type { CheckContext } from '../engine/check.js';
import { CheckFailure, defineCheck } from '../engine/check.js';
import { abortMessage, parseHostPort, targetSchema } from './support/net.js';

const TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS'] as const;
type RecordType = (typeof TYPES)[number];

/**
 * Check a DNS name as written in a target: a host name, not a URL or an address with a port.
 * @example parseDnsName('api.example.com.') // 'api.example.com.'
 */
export function parseDnsName(text: string): string {
  const name = text.trim();
  if (/[\s/@]/.test(name) || name.includes('://')) {
    throw new CheckFailure(`"${name}" is not a DNS name; write just the name, e.g. api.example.com`);
  }
  return name;
}

/**
 * The resolver address for `dns.Resolver#setServers` from an option `server`: an IP with an optional port.
 * @example parseResolverAddress('127.0.0.1:5353') // '127.0.0.1:5353'
 */
export function parseResolverAddress(text: string): string {
  const trimmed = text.trim();
  const bare = isIP(trimmed);
  if (bare) return bare === 6 ? `[${trimmed}]:53` : `${trimmed}:53`;
  const { host, port } = parseHostPort(trimmed);
  const family = isIP(host);
  if (!family) {
    throw new CheckFailure(
      `server: "${trimmed}" must be the IP address of a resolver, optionally with a port (10.0.0.2, 127.0.0.1:5353, [::1]:53)`,
    );
  }
  return family === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Answers that mean "no such records": an observation (count 0), not an error. */
const EMPTY_ANSWER = new Set(['ENOTFOUND', 'ENODATA']);

/** Say why a resolution failed and what to do. */
function describeDnsError(code: string, name: string, type: RecordType, server: string): string {
  const query = `${type} ${name} via ${server}`;
  switch (code) {
    case 'ESERVFAIL':
      return `${query}: the resolver answered SERVFAIL; the zone's name servers may be failing or DNSSEC may not validate`;
    case 'EREFUSED':
      return `${query}: the resolver refused to answer (REFUSED); does it serve or recurse for this zone?`;
    case 'ETIMEOUT':
      return `${query}: no answer from the resolver (ETIMEOUT); is it up and reachable?`;
    case 'ECONNREFUSED':
      return `${query}: connection refused; nothing listens on the resolver's port`;
    case 'EAI_AGAIN':
      return `${query}: temporary resolution failure (EAI_AGAIN); is the system resolver reachable?`;
    default:
      return `${query}: resolution failed (${code})`;
  }
}

/** Records as strings, sorted so conditions comparing lists do not depend on round-robin order. */
function format(type: RecordType, answer: unknown[]): string[] {
  if (type === 'MX') {
    return (answer as { priority: number; exchange: string }[])
      .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange))
      .map((mx) => `${mx.priority} ${mx.exchange}`);
  }
  if (type === 'TXT') return (answer as string[][]).map((chunks) => chunks.join('')).sort();
  return (answer as string[]).slice().sort();
}

/** Reject when the signal fires; the losing lookup finishes in the background and is ignored. */
function untilAborted<T>(
  work: Promise<T>,
  ctx: CheckContext,
  what: string,
  onAbort?: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort?.();
      reject(new CheckFailure(abortMessage(ctx.signal, what, ctx.timeoutMs)));
    };
    if (ctx.signal.aborted) return abort();
    ctx.signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => ctx.signal.removeEventListener('abort', abort));
  });
}

async function resolveRecords(
  name: string,
  type: RecordType,
  server: string | undefined,
  ctx: CheckContext,
): Promise<string[]> {
  const dns = await import('node:dns');
  const via = server ?? 'the system resolver';
  try {
    if (!server && (type === 'A' || type === 'AAAA')) {
      // What applications see: getaddrinfo honours /etc/hosts and nsswitch, not only DNS.
      const lookup = dns.promises.lookup(name, { family: type === 'A' ? 4 : 6, all: true });
      const addresses = await untilAborted(lookup, ctx, `${type} ${name} via ${via}`);
      return format(
        type,
        addresses.map((a) => a.address),
      );
    }
    const resolver = new dns.promises.Resolver({
      timeout: Math.max(100, Math.floor(ctx.timeoutMs / 2)),
      tries: 2,
    });
    if (server) resolver.setServers([server]);
    const answer = (await untilAborted(resolver.resolve(name, type), ctx, `${type} ${name} via ${via}`, () =>
      resolver.cancel(),
    )) as unknown[];
    return format(type, answer);
  } catch (err) {
    if (err instanceof CheckFailure) throw err;
    const code = (err as { code?: string }).code ?? 'ERROR';
    if (EMPTY_ANSWER.has(code)) return [];
    throw new CheckFailure(describeDnsError(code, name, type, via));
  }
}

export default defineCheck({
  kind: 'dns',
  summary: 'Resolve a DNS name and observe its records (A, AAAA, CNAME, MX, TXT or NS).',
  target: targetSchema(parseDnsName, 'dns needs a target: a name, e.g. api.example.com'),
  options: z.strictObject({
    type: z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.enum(TYPES, { error: `type must be one of ${TYPES.join(', ')}` }))
      .default('A'),
    server: z
      .string()
      .trim()
      .min(1)
      .transform((text, issues) => {
        try {
          return parseResolverAddress(text);
        } catch (err) {
          issues.addIssue({ code: 'custom', message: (err as Error).message });
          return z.NEVER;
        }
      })
      .optional(),
  }),
  variables: {
    records: {
      type: 'list<string>',
      description: 'The records, sorted: addresses, names, MX as "10 mail.example.com", TXT chunks joined.',
    },
    count: { type: 'int', description: 'Number of records (0 when the name or the type does not exist).' },
  },
  defaultExpect: ['count > 0'],
  hostKey: (_name, options) => options.server,
  async run(name, options, ctx) {
    const records = await resolveRecords(name, options.type, options.server, ctx);
    return { records, count: records.length };
  },
});
