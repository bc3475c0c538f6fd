import type { Selectable } from 'kysely';
import type { RunsStore, Sample } from '../engine/store.js';
import { executeShaped, insertRows, iso, keepable, type SqlTexts } from './rows.js';
import type { SamplesTable } from './schema.js';
import type { StoreContext } from './write-path.js';

/** Items per window read: one parameter each, well within every backend's limit. */
const WINDOW_ITEMS = 500;

type SampleRow = Pick<Selectable<SamplesTable>, 'item' | 'at' | 'ok' | 'message'>;

function sampleOf(checklist: string, environment: string, r: SampleRow): Sample {
  return {
    checklist,
    environment,
    item: r.item,
    at: r.at,
    ok: Boolean(r.ok),
    ...(r.message !== null ? { message: r.message } : {}),
  };
}

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
      const { rows } = await readWindow(checklist, environment, iso(since, 'since'), [item]);
      return rows.map((r) => sampleOf(checklist, environment, r));
    },

    async listWindowSamples(checklist, environment, since) {
      const out = new Map<string, Sample[]>();
      // Items that share a start are read together: one scan of the checklist's window per start
      // (a checklist's windows mostly share one hold), in chunks of WINDOW_ITEMS items.
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
          const { rows } = await readWindow(checklist, environment, start, items.slice(i, i + WINDOW_ITEMS));
          // Rows come by time, then id within an item: each item's list is in listSamples' order.
          for (const r of rows) out.get(r.item)!.push(sampleOf(checklist, environment, r));
        }
      }
      return out;
    },

    async pruneSamples(before) {
      const cutoff = iso(before, 'before');
      const res = await writes.statement((q) =>
        q.deleteFrom('samples').where('at', '<', cutoff).executeTakeFirst(),
      );
      return Number(res.numDeletedRows);
    },
  };
}
