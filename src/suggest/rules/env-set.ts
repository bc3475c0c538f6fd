import { envNames, fold } from '../patterns.js';
import type { Rule } from '../rule.js';

/** Words that say a variable must be present: set, configured, stored in the environment; Turkish too. */
const SET =
  /\bset\b|\bconfigur(e|ed)\b|\bstore\b|\bstored\b|\bdefined\b|\bprovided\b|\bayarl|\btanimli|\bmevcut|→|->/;

/** "`SLACK_WEBHOOK_URL` set", "Configure `SENTRY_DSN`", "`RATE_LIMIT_*` ayarlı" -> `env` that is set. */
const rule: Rule = {
  name: 'env-set',
  summary:
    '"`VAR` set / configured" (Turkish "ayarlı", "tanımlı"), globs like `RATE_LIMIT_*` -> `env` that is set',
  match(item) {
    const text = fold(item.title);
    if (!SET.test(text) && !SET.test(item.source)) return undefined;
    const names = envNames(item.codes, item.title);
    if (names.length === 0) return undefined;
    if (names.length === 1) {
      const name = names[0]!;
      return {
        check: { env: name, expect: [name.includes('*') ? 'count > 0' : 'set'] },
        matched: name,
      };
    }
    // Several names: one glob over all of them, and all must be set.
    return {
      check: {
        env: `{${names.join(',')}}`,
        expect: [`count ${names.some((n) => n.includes('*')) ? '>=' : '=='} ${names.length}`],
      },
      matched: names.join(', '),
    };
  },
};

export default rule;
