import { describe, expect, it } from 'vitest';
import { item } from '../test-support/item.js';
import rule from './backtick-command.js';

describe('backtick-command rule', () => {
  it.each([
    ['Run full test suite: `npm test`', 'npm test'],
    ['Verify audit chain: `npm run audit:verify`', 'npm run audit:verify'],
    ['Run migrations: `npx prisma migrate deploy`', 'npx prisma migrate status'],
    ['Validate `.\\incident-triage.ps1` against production URL.', '.\\incident-triage.ps1'],
    ['Smoke testleri koş: `./scripts/smoke.sh`', './scripts/smoke.sh'],
    ['`make check` geçiyor', 'make check'],
  ])('%s -> %s', (source, command) => {
    expect(rule.match(item(source))?.check).toEqual({ command });
  });

  it('joins the commands of the bullets under an item that ends in ":"', () => {
    const p = rule.match(
      item('Run local smoke tests:', { description: '- `python -m unittest -q a_test.py`\n- `pytest b`' }),
    );
    expect(p?.check).toEqual({ command: 'python -m unittest -q a_test.py && pytest b' });
  });

  it('says why a migration command was swapped for its status twin', () => {
    expect(rule.match(item('Run migrations: `npx prisma migrate deploy`'))?.note).toMatch(/migrate status/);
  });

  it.each([
    'Deploy meter reader worker: `npm run worker:meter`', // starts something
    'Create backup: `.\\backup-postgres.ps1`',
    'Verify restore: `.\\verify-restore.ps1 -BackupPath <path>`', // a template, and `<` would redirect
    '`docker-compose.yml` has a volume', // a file name
    'Subscribe only required events (`checkout.session.completed`).',
  ])('nothing for %s', (source) => {
    expect(rule.match(item(source))).toBeUndefined();
  });
});
