import { fold } from '../patterns.js';
import type { Rule } from '../rule.js';

/** Words for "it is reachable" (or "it exists", for a production instance), English and Turkish. */
const REACHABLE =
  /\bconnectivity\b|\bconnects?\b|\breachable\b|\bba[gğ]lanti|\berişilebilir|\b(production|prod) \S+ instance\b/;
const STORES: { test: RegExp; kind: 'postgres' | 'mysql' | 'redis'; target: string }[] = [
  { test: /\bredis\b/, kind: 'redis', target: '${REDIS_URL}' },
  { test: /\b(mysql|mariadb)\b/, kind: 'mysql', target: '${DATABASE_URL}' },
  { test: /\b(postgres|postgresql|database|db|veritabani)\b/, kind: 'postgres', target: '${DATABASE_URL}' },
];

/** "Verify database connectivity", "production Redis instance" -> `postgres` / `mysql` / `redis` connected. */
const rule: Rule = {
  name: 'datastore',
  summary:
    'database or Redis connectivity (a production instance) -> `postgres` / `mysql` / `redis`, connected',
  match(item) {
    const text = fold(item.title);
    // Pools, replicas and backups are about the set-up, not about reaching it; Mongo has no kind.
    if (!REACHABLE.test(text) || /\b(pool|pooling|replica|backup|mongo)/.test(text)) return undefined;
    const store = STORES.find((s) => s.test.test(text));
    if (!store) return undefined;
    return {
      check: { [store.kind]: store.target, expect: ['connected'] },
      matched: text.match(store.test)![0],
    };
  },
};

export default rule;
