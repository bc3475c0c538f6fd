import { ENV_NAME } from '../patterns.js';
import { celString, type Rule } from '../rule.js';

const ASSIGNMENT = /(?<![\w$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)=("[^"]*"|'[^']*'|[^\s`,;)]+)/g;

/** `MAINTENANCE_MODE_DEFAULT=false` -> `env` whose value must be "false". */
const rule: Rule = {
  name: 'env-assignment',
  summary: '`VAR=value` -> `env: VAR` with `value == "value"`',
  match(item) {
    const found = [...item.source.matchAll(ASSIGNMENT)].filter((m) => ENV_NAME.test(m[1]!));
    const first = found[0];
    if (!first) return undefined;
    const name = first[1]!;
    const value = first[2]!.replace(/^(["'])(.*)\1$/, '$2').replace(/[.:]$/, '');
    const others = found.slice(1).map((m) => m[0]);
    return {
      check: { env: name, expect: [`value == ${celString(value)}`] },
      matched: `${name}=${value}`,
      // One check per item: the rest are named so the reader can split the item or check them elsewhere.
      ...(others.length > 0 ? { note: `one check per item: ${others.join(', ')} is not checked here` } : {}),
    };
  },
};

export default rule;
