import { fold } from '../patterns.js';
import type { Rule } from '../rule.js';

const PRIVILEGE = /\b(SELECT|INSERT|UPDATE|DELETE|TRUNCATE)\b/g;
const TABLE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$/;
const TABLE_IN_TEXT = /\bon\s+(?:table\s+)?([A-Za-z_][A-Za-z0-9_.]*)/i;

/** `Revoke UPDATE/DELETE on audit_events` -> a PostgreSQL query that the app's user lacks them. */
const rule: Rule = {
  name: 'table-privilege',
  summary:
    'revoked table privileges (`Revoke UPDATE/DELETE on audit_events`) -> `postgres` with a has_table_privilege query',
  match(item) {
    const text = fold(item.title);
    if (!/\brevoke|\brevoked|\bno (update|delete|insert)|yetki(si|leri)? (kaldir|yok)/.test(text))
      return undefined;
    const privileges = [...new Set([...item.title.matchAll(PRIVILEGE)].map((m) => m[1]!))];
    if (privileges.length === 0) return undefined;
    // A code span names the table when there is one; one that is not a plain name is never guessed around.
    const table =
      item.codes.length > 0 ? item.codes.find((c) => TABLE.test(c)) : item.title.match(TABLE_IN_TEXT)?.[1];
    if (!table || !TABLE.test(table)) return undefined;
    const column = (p: string) => `can_${p.toLowerCase()}`;
    const query = `select ${privileges
      .map((p) => `has_table_privilege(current_user, '${table}', '${p}') as ${column(p)}`)
      .join(', ')}`;
    return {
      check: {
        postgres: '${DATABASE_URL}',
        query,
        expect: privileges.map((p) => `row.${column(p)} == false`),
      },
      matched: `${privileges.join('/')} on ${table}`,
      note: 'connect as the user the application runs as: the query asks about current_user',
    };
  },
};

export default rule;
