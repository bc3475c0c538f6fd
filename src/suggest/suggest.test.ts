import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readChecklist, repairText } from '../markdown/index.js';
import { SHARED } from '../test-support/cli.js';
import { renderBindings } from './render.js';
import { suggest } from './suggest.js';

const KINDS = new Set(['http', 'env', 'file', 'command', 'postgres', 'mysql', 'redis', 'tls']);

async function seed(name: string) {
  const file = join(SHARED, 'seeds', name);
  const bytes = await readFile(file);
  return { checklist: readChecklist({ bytes, file, kinds: KINDS }), text: repairText(bytes).text, file };
}

describe('suggest', () => {
  it('proposes the machine-checkable items of seed 000 and leaves human work alone', async () => {
    const { checklist, text } = await seed('000-enterprise-go-live.md');
    const result = suggest(checklist, text);
    const byId = new Map(result.suggestions.map((s) => [s.id, s]));
    expect(byId.get('5-observability/api-health-live-200')?.check).toEqual({
      http: '${BASE_URL}/api/health/live',
      expect: ['status == 200'],
    });
    expect(byId.get('2-secrets-config/maintenance-mode-default-false')?.rule).toBe('env-assignment');
    expect(byId.get('2-secrets-config/rate-limit-degerleri-prod-icin-ayarli')?.check).toEqual({
      env: 'RATE_LIMIT_*',
      expect: ['count > 0'],
    });
    expect(result.human).toContain('6-security/2fa-enable-disable-akisi-prod-da-calisiyor');
    expect(byId.has('2-secrets-config/jwt-secret-rotation-plani-var')).toBe(false);
  });

  it('is deterministic and renders each proposal under a comment naming its rule and text', async () => {
    const { checklist, text, file } = await seed('004-production-checklist.md');
    const first = renderBindings(suggest(checklist, text), file);
    expect(renderBindings(suggest(checklist, text), file)).toBe(first);
    expect(first).toContain('# table-privilege: "UPDATE/DELETE on audit_events" in line 12:');
    expect(first).toMatch(/^# {3}DATABASE_URL {2}connection URL/m);
    const parsed = parse(first) as Record<string, Record<string, unknown>>;
    expect(parsed['testing/run-full-test-suite-npm-test']).toEqual({ command: 'npm test' });
  });

  it('proposes nothing for items that already have a check', async () => {
    const doc =
      '# L\n## Ops\n- [ ] `/health` → 200\n  ```check\n  http: https://x/health\n  ```\n- [ ] `A_B=1`\n';
    const checklist = readChecklist({ bytes: doc, file: 'l.md', kinds: KINDS });
    const result = suggest(checklist, doc);
    expect(result.bound).toEqual(['ops/health-200']);
    expect(result.suggestions.map((s) => s.id)).toEqual(['ops/a-b-1']);
  });
});
