import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readChecklist } from '../src/markdown/index.js';
import { type Checklist, TASK_LIST_KINDS } from '../src/model/checklist.js';
import { SHARED } from '../src/test-support/cli.js';

function seed(name: string): Checklist {
  const file = `${SHARED}seeds/${name}`;
  return readChecklist({ bytes: readFileSync(file), file, kinds: new Set() });
}

const count = (c: Checklist, pred: (i: Checklist['items'][number]) => boolean) => c.items.filter(pred).length;
const isTaskListItem = (i: Checklist['items'][number]) => TASK_LIST_KINDS.has(i.kind);

describe('the five seed checklists', () => {
  it.each([
    ['000-enterprise-go-live.md', 27, 0, 5, 3, 0, 0],
    ['001-post-launch-90-day-program.md', 6, 0, 0, 0, 0, 0],
    ['002-partner-center-go-no-go.md', 27, 5, 4, 3, 0, 0],
    ['003-mvp-go-live.md', 31, 0, 0, 0, 0, 0],
    ['004-production-checklist.md', 140, 0, 0, 0, 4, 2],
  ])(
    '%s: %i task-list items, %i checked, %i GO + %i NO-GO criteria, %i sign-off slots, %i fields',
    (name, items, checked, go, nogo, slots, fields) => {
      const c = seed(name);
      expect(count(c, isTaskListItem)).toBe(items);
      expect(count(c, (i) => isTaskListItem(i) && i.checked)).toBe(checked);
      expect(count(c, (i) => i.polarity === 'go')).toBe(go);
      expect(count(c, (i) => i.polarity === 'nogo')).toBe(nogo);
      expect(count(c, (i) => i.kind === 'signoff')).toBe(slots);
      expect(count(c, (i) => i.kind === 'field')).toBe(fields);
      expect(new Set(c.items.map((i) => i.id)).size).toBe(c.items.length);
    },
  );

  it('000: ids are readable ASCII slugs of the Turkish text', () => {
    const c = seed('000-enterprise-go-live.md');
    expect(c.items.slice(0, 2).map((i) => i.id)).toEqual([
      '1-ortamlar/staging-ve-production-ayri-namespace',
      '1-ortamlar/ayri-mongo-cluster-en-azindan-ayri-db-user',
    ]);
    expect(c.items.filter((i) => i.polarity === 'nogo').map((i) => i.title)).toEqual([
      'Scheduler duplicate job çalıştırıyorsa',
      'Backup path persistent değilse',
      'Audit chain integrity fail veriyorsa',
    ]);
  });

  it('001: the six numbered task items are due within the first two weeks', () => {
    const c = seed('001-post-launch-90-day-program.md');
    expect(c.items.filter((i) => i.kind === 'task').map((i) => i.due)).toEqual(
      Array(6).fill({
        fromDays: 0,
        offsetDays: 14,
        source: 'heading',
        text: 'Acil Aksiyon Seti (İlk 2 Hafta)',
      }),
    );
    expect(c.items.find((i) => i.kind === 'task')!.title).toBe(
      "SLO/SLI'ları tanımlayın ve gösterge paneline ekleyin.",
    );
  });

  it('002: repaired titles read in correct Turkish, and the repair is reported', () => {
    const c = seed('002-partner-center-go-no-go.md');
    const titles = c.items.map((i) => i.title).join('\n');
    expect(titles).not.toMatch(/Ã|Ä|Å|â€|ğŸ/);
    expect(c.items.map((i) => i.title)).toEqual(
      expect.arrayContaining([
        "docker-compose.yml veya Kubernetes deployment'ta token cache volume mount tanımlı mı?",
        'HUNTER_PARTNER_CENTER_CLIENT_SECRET → YENİ ROTATE EDİLMİŞ SECRET (eski secret değil!)',
        '✅ Device Code Flow tamamlandı, token cache oluşturuldu',
        'Token cache yok:',
      ]),
    );
    expect(c.name).toBe('Partner Center Production GO/NO-GO Checklist');
    expect(c.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/UTF-8 read as Windows-1254/)]);
  });

  it('003: sub-bullets are the description, "(optional)" in a sub-bullet does not make the item advisory', () => {
    const c = seed('003-mvp-go-live.md');
    const item = c.items.find((i) => i.title === 'Configure GitHub workflow Backend Monitor secrets:')!;
    expect(item.description).toBe(
      '- `BACKEND_BASE_URL`\n- `BACKEND_ADMIN_TOKEN`\n- `MONITOR_ALERT_WEBHOOK_URL` (optional)',
    );
    expect(item.blocking).toBe(true);
  });

  it('004: sign-off roles, advisory items and due windows', () => {
    const c = seed('004-production-checklist.md');
    expect(c.signoffs).toEqual(['engineering', 'security', 'operations', 'product']);
    expect(c.items.filter((i) => !i.blocking).map((i) => i.id)).toEqual([
      'database/set-up-read-replicas-optional',
      'stripe/configure-tax-rates-if-applicable',
      'authentication/set-up-sso-optional',
      'compliance/gdpr-compliance-review-if-applicable',
      'compliance/soc-2-compliance-if-applicable',
    ]);
    expect(count(c, (i) => i.due?.offsetDays === 1)).toBe(7);
    expect(count(c, (i) => i.due?.offsetDays === 7)).toBe(7);
    expect(count(c, (i) => i.section.includes('Ongoing') && i.due !== undefined)).toBe(0);
  });
});
