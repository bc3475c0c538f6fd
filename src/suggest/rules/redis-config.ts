import { fold } from '../patterns.js';
import type { Proposal, Rule } from '../rule.js';

const REDIS = '${REDIS_URL}';

/** Redis settings a launch list names, as a command and the condition on its reply or INFO. */
const SETTINGS: { test: RegExp; matched: string; check: Record<string, unknown>; note?: string }[] = [
  {
    test: /\b(aof|rdb|persistence|kalicilik)\b/,
    matched: 'persistence',
    check: { command: 'CONFIG GET save', expect: ['info.aof_enabled == "1"', 'reply.save != ""'] },
    note: 'AOF on (INFO aof_enabled) and RDB snapshots scheduled (CONFIG save); drop the one you do not use',
  },
  {
    test: /\bmaxmemory\b/,
    matched: 'maxmemory',
    check: {
      command: 'CONFIG GET maxmemory*',
      expect: ['reply.maxmemory != "0"', 'reply["maxmemory-policy"] != ""'],
    },
    note: 'a maxmemory policy applies only once maxmemory is set; compare the policy with the one your workload needs',
  },
  {
    test: /\b(tls|ssl)\b/,
    matched: 'TLS',
    check: { command: 'CONFIG GET tls-port', expect: ['"tls-port" in reply && reply["tls-port"] != "0"'] },
  },
];

/** Redis persistence (AOF/RDB), maxmemory policy and TLS -> `redis` with `CONFIG GET ...`. */
const rule: Rule = {
  name: 'redis-config',
  summary: 'Redis persistence (AOF/RDB), maxmemory policy, TLS -> `redis` with `command: CONFIG GET ...`',
  match(item): Proposal | undefined {
    const text = fold(item.title);
    const inRedis = /\bredis\b/.test(text) || item.section.some((s) => /\bredis\b/.test(fold(s)));
    if (!inRedis) return undefined;
    const setting = SETTINGS.find((s) => s.test.test(text));
    if (!setting) return undefined;
    return {
      check: { redis: REDIS, ...setting.check },
      matched: `Redis ${setting.matched}`,
      ...(setting.note ? { note: setting.note } : {}),
    };
  },
};

export default rule;
