import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './table-privilege.js';

describe('table-privilege rule', () => {
  it.each([
    [
      'Revoke UPDATE/DELETE on `audit_events` table',
      "select has_table_privilege(current_user, 'audit_events', 'UPDATE') as can_update, has_table_privilege(current_user, 'audit_events', 'DELETE') as can_delete",
      ['row.can_update == false', 'row.can_delete == false'],
    ],
    [
      'REVOKE DELETE on table public.ledger',
      "select has_table_privilege(current_user, 'public.ledger', 'DELETE') as can_delete",
      ['row.can_delete == false'],
    ],
    [
      '`audit_log` üzerinde UPDATE yetkisi kaldırıldı',
      "select has_table_privilege(current_user, 'audit_log', 'UPDATE') as can_update",
      ['row.can_update == false'],
    ],
  ])('%s', (source, query, conditions) => {
    expect(rule.match(item(source))?.check).toEqual({
      postgres: '${DATABASE_URL}',
      query,
      expect: conditions,
    });
  });

  it.each([
    'Verify audit log has no UPDATE/DELETE permissions', // no table named
    'Configure database user with minimal privileges',
    "Revoke UPDATE on `x'; drop table y; --`", // not a table name: never reaches the SQL
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
