import { Cron } from 'croner';
import type { Checklist, Item } from '../model/checklist.js';
import { parseDuration } from '../model/duration.js';
import { ConfigError } from '../model/errors.js';

/**
 * When the service runs a checklist (front matter `schedule:`) and samples a windowed check (`every:`).
 * Slots are absolute instants computed from the clock alone, so every replica computes the same slots
 * for the same schedule: that is what lets the store refuse a slot claimed twice.
 */

/** A parsed schedule. `nextRun(after)` is the first slot strictly after `after`. */
export interface Schedule {
  /** The text as written (`5m`, `*\/5 * * * *`). */
  readonly text: string;
  readonly kind: 'interval' | 'cron';
  /** The interval in milliseconds (interval schedules only). */
  readonly intervalMs?: number;
  nextRun(after: Date): Date;
  /** The latest slot at or before `at` (the slot that is due now), or undefined before the first one. */
  currentSlot(at: Date): Date | undefined;
}

/** Shortest interval accepted: a faster schedule would only load the targets and the store. */
export const MIN_INTERVAL_MS = 1000;

/** An interval schedule whose slots are multiples of the interval since the Unix epoch. */
function intervalSchedule(text: string, intervalMs: number): Schedule {
  return {
    text,
    kind: 'interval',
    intervalMs,
    nextRun: (after) => new Date((Math.floor(after.getTime() / intervalMs) + 1) * intervalMs),
    currentSlot: (at) => new Date(Math.floor(at.getTime() / intervalMs) * intervalMs),
  };
}

function cronSchedule(text: string, field: string): Schedule {
  let cron: Cron;
  try {
    // UTC, so replicas in different time zones agree on every slot.
    cron = new Cron(text, { paused: true, timezone: 'UTC', mode: '5-or-6-parts' });
  } catch (err) {
    throw new ConfigError(
      `${field}: "${text}" is neither an interval (30s, 5m, 1h) nor a cron line (*/5 * * * *): ${(err as Error).message}`,
      field,
    );
  }
  const next = (after: Date) => cron.nextRun(after);
  if (!next(new Date(0))) {
    throw new ConfigError(`${field}: the cron line "${text}" never fires`, field);
  }
  return {
    text,
    kind: 'cron',
    nextRun(after) {
      const at = next(after);
      // A cron line that fires no more (a fixed date in the past) has no next slot: far future.
      return at ?? new Date(8.64e15);
    },
    currentSlot(at) {
      const prev = cron.previousRuns(1, new Date(at.getTime() + 1))[0];
      return prev ?? undefined;
    },
  };
}

/**
 * Parse a schedule: an interval (`30s`, `5m`, `1h`, parsed like every duration) or a 5/6-field cron
 * line evaluated in UTC. Throws ConfigError naming `field` when it is neither.
 * @example parseSchedule('5m').nextRun(new Date('2026-01-01T00:01:00Z')) // 2026-01-01T00:05:00Z
 */
export function parseSchedule(input: string, field = 'schedule'): Schedule {
  const text = String(input).trim();
  if (text === '')
    throw new ConfigError(`${field}: empty; write an interval such as 5m or a cron line`, field);
  if (/^\d+(?:\.\d+)?(?:ms|s|m|h|d|w)/.test(text) && !/\s/.test(text)) {
    const ms = parseDuration(text, field);
    if (ms < MIN_INTERVAL_MS) {
      throw new ConfigError(`${field}: "${text}" is shorter than 1s; schedule at most once a second`, field);
    }
    return intervalSchedule(text, ms);
  }
  return cronSchedule(text, field);
}

/** The checklist's schedule, or undefined when it has none. Throws ConfigError naming `schedule`. */
export function checklistSchedule(checklist: Pick<Checklist, 'schedule'>): Schedule | undefined {
  if (checklist.schedule === undefined || checklist.schedule === null) return undefined;
  return parseSchedule(String(checklist.schedule), 'schedule');
}

/** Shortest `every` the service samples at: sub-second windows are honoured, a busy loop is not. */
export const MIN_SAMPLE_MS = 10;

/**
 * How often a windowed item is sampled: its check's `every:` exactly (default 1m, as windows judge it),
 * sub-second included, whatever the checklist's schedule.
 */
export function sampleSchedule(item: Pick<Item, 'id' | 'check'>): Schedule | undefined {
  const window = item.check?.window;
  if (!window) return undefined;
  const field = `${item.id}: every`;
  return intervalSchedule(item.check?.every ?? '1m', atLeast(window.everyMs, field));
}

function atLeast(ms: number, field: string): number {
  if (ms < MIN_SAMPLE_MS) throw new ConfigError(`${field}: must be at least ${MIN_SAMPLE_MS}ms`, field);
  return ms;
}
