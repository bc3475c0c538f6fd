import type { RunsStore, Sample } from '../engine/store.js';
import { executeShaped, insertRows, iso, keepable, type SqlTexts } from './rows.js';
import type { StoreContext } from './write-path.js';

/**
 * Items per window read (one parameter each). A read returns its items' whole windows at once: 100
 * items of an hour at 3 s is 120,000 rows. Smaller reads scan the checklist's window more often (50
 * items cost ~1.3× the CPU of 100 or 500 on SQLite), larger ones hold more rows as the driver returns them.
 */
const WINDOW_ITEMS = 100;

/** The samples of windowed checks: stored a tick (or a run) at a time, read a checklist's window at a time. */
export function createSamplesStore({
  adapter,
  db,
  writes,
}: StoreContext): Pick<RunsStore, 'addSamples' | 'listSamples' | 'listWindowSamples' | 'pruneSamples'> {
  /** The samples' INSERT, compiled once per chunk size for this store (the watch loop stores a batch per tick). */
  const insertTexts: SqlTexts = new Map();
  /** Window reads, compiled once per number of items for this store. */
  const windowTexts: SqlTexts = new Map();

  /** `items`' samples at or after `since`, in the key's order: by time, then item, then id. */
  function readWindow(checklist: string, environment: string, since: string, items: string[]) {
    return executeShaped(
      db,
      windowTexts,
      `window\u0000${items.length}`,
      [checklist, environment, since, ...items],
      () =>
        db
          .selectFrom('samples')
          .select(['item', 'at', 'ok', 'message'])
          .where('checklist', '=', checklist)
          .where('environment', '=', environment)
          .where('at', '>=', since)
          .where('item', 'in', items)
          .orderBy('at')
          .orderBy('item')
          .orderBy('id'),
    );
  }

  async function listWindowSamples(
    checklist: string,
    environment: string,
    since: ReadonlyMap<string, string>,
  ): Promise<Map<string, Sample[]>> {
    const out = new Map<string, Sample[]>();
    // Items that share a start are read together: one scan of the checklist's window per start
    // (a checklist's windows mostly share one hold) and WINDOW_ITEMS items.
    const byStart = new Map<string, string[]>();
    for (const [item, from] of since) {
      out.set(item, []);
      const start = iso(from, 'since');
      const items = byStart.get(start);
      if (items) items.push(item);
      else byStart.set(start, [item]);
    }
    for (const [start, items] of byStart) {
      for (let i = 0; i < items.length; i += WINDOW_ITEMS) {
        const part = items.slice(i, i + WINDOW_ITEMS);
        const { rows } = await readWindow(checklist, environment, start, part);
        // Rows come by time, then item, then id: each item's list is in listSamples' order (time, then
        // as stored). The samples share their strings: the item's as asked, a tick's time.
        const names = new Map(part.map((item) => [item, item]));
        let at = '';
        for (const r of rows) {
          if (r.at !== at) at = r.at;
          const item = names.get(r.item)!;
          const sample: Sample = { checklist, environment, item, at, ok: Boolean(r.ok) };
          if (r.message !== null) sample.message = r.message;
          out.get(item)!.push(sample);
        }
      }
    }
    return out;
  }

  return {
    async addSamples(samples) {
      if (samples.length === 0) return;
      await writes.unaudited((trx) =>
        insertRows(
          trx,
          'samples',
          samples.map((s) => ({
            checklist: s.checklist,
            environment: s.environment,
            item: s.item,
            at: iso(s.at, 'at'),
            ok: adapter.bool(s.ok),
            message: keepable(s.message) ?? null,
          })),
          insertTexts,
        ),
      );
    },

    async listSamples(checklist, environment, item, since) {
      return (await listWindowSamples(checklist, environment, new Map([[item, since]]))).get(item)!;
    },

    listWindowSamples,

    async pruneSamples(before) {
      const cutoff = iso(before, 'before');
      const res = await writes.statement((q) =>
        q.deleteFrom('samples').where('at', '<', cutoff).executeTakeFirst(),
      );
      return Number(res.numDeletedRows);
    },
  };
}
