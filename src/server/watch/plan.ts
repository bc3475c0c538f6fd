import { checklistSchedule, type Schedule, sampleSchedule } from '../../engine/schedule.js';
import type { Checklist, Item } from '../../model/checklist.js';
import type { Logger } from '../logger.js';

/**
 * A group of windowed items sampled at the same slots. `handled` is the latest slot per environment
 * every item of the group was considered for (each item's own slot is kept by the loop, and outlives
 * versions).
 */
export interface SampleGroup {
  schedule: Schedule;
  items: { item: Item; schedule: Schedule }[];
  handled: Map<string, number>;
}

/** What the watch loop does with one checklist version: its schedule and its sample groups. */
export interface Plan {
  schedule: Schedule | undefined;
  groups: SampleGroup[];
}

/**
 * The watch loop's plans, worked out once per checklist version (the catalog's Checklist object; a
 * changed file is read into a new one): its schedule, its windowed items and their sample schedules,
 * grouped by interval so a tick computes each group's slot once instead of each item's. One per loop:
 * replicas in one process keep their own. A schedule or `every` that is invalid is said once in the log
 * (`reported`, shared with the loop's other once-only messages).
 * @example const plans = new Plans(logger, new Set()); const { schedule, groups } = plans.of(checklist);
 */
export class Plans {
  readonly #plans = new WeakMap<Checklist, Plan>();

  constructor(
    private readonly logger: Logger,
    private readonly reported: Set<string>,
  ) {}

  of(c: Checklist): Plan {
    let plan = this.#plans.get(c);
    if (!plan) {
      const schedule = this.#scheduleOf(c);
      // A checklist without a (valid) schedule is neither run nor sampled.
      const windowed = schedule ? this.#windowedOf(c) : [];
      const groups = new Map<number | Schedule, SampleGroup>();
      for (const w of windowed) {
        // Interval schedules of one length share every slot (multiples of the interval since the epoch).
        const key =
          w.schedule.kind === 'interval' && w.schedule.intervalMs ? w.schedule.intervalMs : w.schedule;
        let g = groups.get(key);
        if (!g) {
          g = { schedule: w.schedule, items: [], handled: new Map() };
          groups.set(key, g);
        }
        g.items.push(w);
      }
      plan = { schedule, groups: [...groups.values()] };
      this.#plans.set(c, plan);
    }
    return plan;
  }

  #once(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.logger.error(message, fields);
  }

  #scheduleOf(c: Checklist): Schedule | undefined {
    try {
      return checklistSchedule(c);
    } catch (err) {
      this.#once(c.digest, 'checklist not scheduled', { checklist: c.id, error: (err as Error).message });
      return undefined;
    }
  }

  /** Windowed items and their sample schedules; an item whose `every` is invalid is left out. */
  #windowedOf(c: Checklist): { item: Item; schedule: Schedule }[] {
    return c.items.flatMap((item) => {
      try {
        const s = sampleSchedule(item);
        return s && item.skip === undefined ? [{ item, schedule: s }] : [];
      } catch (err) {
        this.#once(`every\u0000${c.digest}\u0000${item.id}`, 'windowed check not sampled', {
          checklist: c.id,
          error: (err as Error).message,
        });
        return [];
      }
    });
  }
}
