import * as z from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';
// The URL helpers are shared with the postgres kind rather than copied; no driver is loaded.
import { connectionTarget, scrubSecrets } from './support/url.js';

// The value is never echoed back: it may hold a password.
const REDIS_URL_HINT = 'give a URL like redis://host:6379 or rediss://user:password@host:6380/0';
const redisUrl = z.string({ error: REDIS_URL_HINT }).transform((value, ctx) => {
  try {
    return connectionTarget(value, ['redis:', 'rediss:'], 6379, REDIS_URL_HINT);
  } catch {
    ctx.addIssue({ code: 'custom', message: REDIS_URL_HINT });
    return z.NEVER;
  }
});

/**
 * `redis`: reachability, server settings (`info`) and the reply of one command, e.g. whether
 * persistence is on before a launch that relies on it.
 */
export default defineCheck({
  kind: 'redis',
  summary: 'Connect to Redis and read INFO and the reply of a command: connected, reply, info, latency',
  target: redisUrl,
  options: z.strictObject({
    command: z
      .union([
        z.string().trim().min(1, 'give a command, e.g. CONFIG GET appendonly'),
        z.array(z.string()).min(1, 'give the command and its arguments, e.g. [GET, "feature flag"]'),
      ])
      // A line is split on spaces once, here: run() receives the command name and its arguments.
      .transform((command) => (typeof command === 'string' ? command.split(/\s+/) : command))
      .optional()
      .describe('Command to send: a line split on spaces, or a list when an argument has spaces'),
  }),
  variables: {
    connected: { type: 'bool', description: 'A connection was opened (and authenticated)' },
    reply: {
      type: 'dyn',
      description: 'Reply to `command`; CONFIG GET’s [name, value, ...] reply becomes a name -> value map',
    },
    info: {
      type: 'map<string, string>',
      description: 'Every field of INFO (all sections), values as strings: info.aof_enabled == "1"',
    },
    latency_ms: { type: 'double', description: 'Milliseconds to connect, answer the command and read INFO' },
  },
  defaultExpect: ['connected'],
  hostKey: (target) => target.hostPort,
  async run(target, options, ctx) {
    const { Redis } = await import('ioredis');
    const where = target.shown;
    const started = performance.now();
    const elapsed = () => performance.now() - started;
    const client = new Redis(target.href, {
      lazyConnect: true,
      connectTimeout: ctx.timeoutMs,
      commandTimeout: ctx.timeoutMs,
      maxRetriesPerRequest: 0,
      // One attempt: a check reports what it finds, it does not wait for the server to come back.
      retryStrategy: () => null,
      enableOfflineQueue: false,
      // The ready check would run INFO once more and warn on the console when ACLs forbid it.
      enableReadyCheck: false,
      disableClientInfo: true,
    });
    // The reason a connection failed (refused, WRONGPASS) arrives as an event; the promise only says
    // "Connection is closed". Listening also keeps ioredis from logging it to the console.
    let lastError: unknown;
    client.on('error', (err) => {
      lastError = err;
    });
    const abort = () => client.disconnect();
    ctx.signal.addEventListener('abort', abort, { once: true });
    const failure = (what: string, err: unknown, hint: string, partial: Record<string, unknown>) =>
      new CheckFailure(
        // ioredis' own commandTimeout says "Command timed out"; the check's signal may not have fired yet.
        ctx.signal.aborted || (err instanceof Error && err.message === 'Command timed out')
          ? `${what} ${where} did not finish within ${ctx.timeoutMs} ms: raise the check timeout`
          : `${what} ${where} failed: ${scrubSecrets(err, target.secrets)}; ${hint}`,
        partial,
      );

    try {
      try {
        await client.connect();
        // AUTH is answered after connect() resolves, and a refused AUTH leaves the connection up as the
        // default user until ioredis closes it: the PING is answered after AUTH, so by then we know.
        await client.ping().catch((err: unknown) => {
          if (!String((err as Error).message).startsWith('NOPERM')) throw err;
        });
        if (lastError) throw lastError;
      } catch (err) {
        throw failure(
          'connecting to',
          lastError ?? err,
          'check the URL, the password, and that Redis is running',
          { connected: false },
        );
      }
      const observed: Record<string, unknown> = { connected: true };
      const problems: string[] = [];
      if (options.command) {
        const [name = '', ...args] = options.command;
        try {
          observed.reply = shapeReply(name, args, await client.call(name, ...args));
        } catch (err) {
          throw failure(`${name.toUpperCase()} on`, err, 'check the command and the ACL of this user', {
            connected: true,
          });
        }
      }
      try {
        observed.info = parseInfo(await client.info('all'));
      } catch (err) {
        // Restricted users may not run INFO; `reply` and `connected` can still be judged.
        problems.push(
          `INFO on ${where} failed: ${scrubSecrets(err, target.secrets)}; allow INFO for this user`,
        );
      }
      observed.latency_ms = elapsed();
      if (problems.length > 0) throw new CheckFailure(problems.join('; '), observed);
      return observed;
    } finally {
      ctx.signal.removeEventListener('abort', abort);
      if (client.status === 'ready') await client.quit().catch(() => {});
      client.disconnect();
    }
  },
});

/** CONFIG GET answers `[name, value, name, value...]`; a map lets conditions say `reply.appendonly`. */
function shapeReply(name: string, args: string[], reply: unknown): unknown {
  const isConfigGet = name.toUpperCase() === 'CONFIG' && args[0]?.toUpperCase() === 'GET';
  if (!isConfigGet || !Array.isArray(reply) || reply.length % 2 !== 0) return reply;
  const map: Record<string, unknown> = {};
  for (let i = 0; i < reply.length; i += 2) map[String(reply[i])] = reply[i + 1];
  return map;
}

/** INFO is `name:value` lines under `# Section` headers; every section goes into one map. */
export function parseInfo(text: string): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon <= 0) continue;
    info[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return info;
}
