import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { deriveEvents, type WatchSnapshot } from '../../engine/events.js';
import type { Schedule } from '../../engine/schedule.js';
import type { SlotClaim, Store } from '../../engine/store.js';
import type { Checklist, Item } from '../../model/checklist.js';
import type { Evaluation } from '../../model/verdict.js';
import type { Logger } from '../logger.js';
import { LeaderLease } from './leader.js';
import { type DeliveryOptions, deliveriesFor, Notifier, resolveTargets } from './notifier.js';
import type { WatchObserver } from './observer.js';
import { type Plan, Plans } from './plan.js';

/**
 * The service's watch loop (`gonogo serve`): elect a leader, and on the leader run each scheduled
 * checklist when its slot comes, sample windowed checks every `every` (independently of the runs and
 * of the loop's tick: it wakes for the next slot), prune old samples, derive notification events and
 * send them. Every slot is claimed in the store first, so even two leaders at once (a split-brain
 * moment) never run a slot twice.
 */

/** What the loop needs from the server. */
export interface WatchDeps {
  store: Store;
  /** The checklists loaded now (the catalog's good entries). */
  checklists(): Checklist[];
  /** Run a checklist for an environment (trigger `scheduler`): checks, windows, verdict, stored run. */
  run(checklist: Checklist, environment: string): Promise<unknown>;
  /** Take one sample of each windowed item, without recording a run. */
  sample(checklist: Checklist, environment: string, items: Item[], signal: AbortSignal): Promise<unknown>;
  /** The verdict from stored state, without running anything. */
  evaluate(checklist: Checklist, environment: string): Promise<Evaluation>;
  /** The service clock (GONOGO_NOW when set): evaluations, events, retention. */
  now(): Date;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Hooks for the service's metrics (leader, leases, slots, deliveries). */
  observer?: WatchObserver;
}

/** Tunables; every field has a default. */
export interface WatchOptions {
  /** This replica's name in the lease (default host:pid:random). */
  holder: string;
  /** Lease lifetime (default 10s): a dead leader is replaced within about this long. */
  leaseTtlMs: number;
  /** How often the loop wakes (default 1s). */
  tickMs: number;
  /** How often notifications are evaluated besides right after a scheduled run (default 15s). */
  evaluateEveryMs: number;
  /** How often old samples and slot claims are pruned (default 1h). */
  pruneEveryMs: number;
  /** Samples are kept max(2 × the longest hold, this) (default 7 days). */
  retentionMs: number;
  /** Wall-clock time for slots and leases (not GONOGO_NOW, which may stand still). */
  clock: () => Date;
  delivery: Partial<DeliveryOptions>;
}

/** A running watch loop. */
export interface Watch {
  /** The loop ticked recently (for /health/ready). */
  alive(): boolean;
  /** When the loop last ticked. */
  lastTick(): Date | undefined;
  isLeader(): boolean;
  readonly holder: string;
  /** Stop: no new work, wait for in-flight runs and sends, give up the lease. */
  stop(): Promise<void>;
}

const WEEK = 7 * 86_400_000;

/** A replica name that tells people where it runs and never collides. */
export function defaultHolder(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

function environmentsOf(c: Checklist): string[] {
  const names = Object.keys(c.environments);
  return names.length > 0 ? names : ['default'];
}

/**
 * Start the watch loop; it runs until `stop()`.
 * @example const watch = startWatch({ store, checklists, run, sample, evaluate, now, env, logger }); … await watch.stop();
 */
export function startWatch(deps: WatchDeps, options: Partial<WatchOptions> = {}): Watch {
  const opts: WatchOptions = {
    holder: options.holder ?? defaultHolder(),
    leaseTtlMs: options.leaseTtlMs ?? 10_000,
    tickMs: options.tickMs ?? 1000,
    evaluateEveryMs: options.evaluateEveryMs ?? 15_000,
    pruneEveryMs: options.pruneEveryMs ?? 3_600_000,
    retentionMs: options.retentionMs ?? WEEK,
    clock: options.clock ?? (() => new Date()),
    delivery: options.delivery ?? {},
  };
  const { store, logger } = deps;
  const observer = deps.observer ?? {};
  const clock = opts.clock;
  const abort = new AbortController();
  const lease = new LeaderLease({ store, holder: opts.holder, ttlMs: opts.leaseTtlMs, clock });
  const notifier = new Notifier(
    {
      store,
      checklist: (id) => deps.checklists().find((c) => c.id === id),
      env: deps.env,
      logger,
      clock,
      observer,
    },
    opts.delivery,
  );

  let lastTick: Date | undefined;
  let wasLeader = false;
  let lastPrune = 0;
  /** Latest run slot handled per `checklist\0env`, and sample slot per `checklist\0env\0item`. */
  const lastRunSlot = new Map<string, number>();
  const lastSampleSlot = new Map<string, number>();
  const lastEvaluated = new Map<string, number>();
  const evaluateSoon = new Set<string>();
  /** Work in flight, by key, so a slow run never overlaps the next slot's run of the same checklist. */
  const inFlight = new Map<string, Promise<void>>();
  /** Checklists whose schedule is invalid, by digest, so the problem is logged once. */
  const reported = new Set<string>();

  const track = (
    key: string,
    work: () => Promise<unknown>,
    what: string,
    fields: Record<string, unknown>,
  ) => {
    if (inFlight.has(key)) return;
    const p = (async () => {
      try {
        await work();
      } catch (err) {
        if (!abort.signal.aborted)
          logger.error(`${what} failed`, { ...fields, error: (err as Error).message });
      }
    })().finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  };

  const plans = new Plans(logger, reported);

  /** This replica's claim of `what` at `slot` (a literal of one shape: no spread per claim). */
  const claimOf = (c: Checklist, environment: string, slot: string, what: string, at: string): SlotClaim => ({
    checklist: c.id,
    environment,
    what,
    slot,
    holder: opts.holder,
    at,
  });
  /** The earliest slot (run or sample) after `now` among the checklists, for the loop to wake on time. */
  let nextDue = Number.POSITIVE_INFINITY;
  const due = (at: number) => {
    if (at < nextDue) nextDue = at;
  };

  async function schedule(c: Checklist, plan: Plan, s: Schedule, env: string, now: Date): Promise<void> {
    const key = `${c.id}\u0000${env}`;
    due(s.nextRun(now).getTime());
    for (const g of plan.groups) due(g.schedule.nextRun(now).getTime());
    await scheduleRun(c, plan, s, env, now);
    // Sampling goes on while a run is in flight and on the tick that starts one: a window's samples
    // follow `every`, never the schedule.
    if (inFlight.has(`sample\u0000${key}`)) return;
    const candidates: Item[] = [];
    const claims: SlotClaim[] = [];
    const at = now.toISOString();
    for (const g of plan.groups) {
      const ws = g.schedule.currentSlot(now)?.getTime();
      // Every item of the group was considered for this slot already (the common tick between slots).
      if (ws === undefined || ws <= (g.handled.get(env) ?? Number.NEGATIVE_INFINITY)) continue;
      const slot = new Date(ws).toISOString();
      for (const w of g.items) {
        const itemKey = `${key}\u0000${w.item.id}`;
        if (ws <= (lastSampleSlot.get(itemKey) ?? Number.NEGATIVE_INFINITY)) continue;
        lastSampleSlot.set(itemKey, ws);
        candidates.push(w.item);
        claims.push(claimOf(c, env, slot, w.item.id, at));
      }
      g.handled.set(env, ws);
    }
    const claimed = await store.claimSlots(claims); // one statement; each claim holds as if made alone
    const dueItems = candidates.filter((_, i) => claimed[i]);
    const won = dueItems.length;
    if (won > 0) observer.slot?.('sample', 'run', won);
    if (claimed.length > won) observer.slot?.('sample', 'skipped', claimed.length - won);
    if (dueItems.length > 0) {
      track(`sample\u0000${key}`, () => deps.sample(c, env, dueItems, abort.signal), 'sampling', {
        checklist: c.id,
        environment: env,
      });
    }
  }

  async function scheduleRun(c: Checklist, plan: Plan, s: Schedule, env: string, now: Date): Promise<void> {
    const key = `${c.id}\u0000${env}`;
    const fields = { checklist: c.id, environment: env };
    const slot = s.currentSlot(now)?.getTime();
    if (slot === undefined || slot <= (lastRunSlot.get(key) ?? Number.NEGATIVE_INFINITY)) return;
    lastRunSlot.set(key, slot);
    if (inFlight.has(`run\u0000${key}`)) {
      observer.slot?.('run', 'skipped');
      logger.warn('scheduled run skipped: the previous run is still going', {
        ...fields,
        slot: new Date(slot).toISOString(),
      });
      return;
    }
    const claimed = await store.claimSlot(
      claimOf(c, env, new Date(slot).toISOString(), 'run', now.toISOString()),
    );
    observer.slot?.('run', claimed ? 'run' : 'skipped');
    if (!claimed) return;
    // The run samples every windowed item itself: that is this slot's sample.
    for (const g of plan.groups) {
      const ws = g.schedule.currentSlot(now)?.getTime();
      if (ws === undefined) continue;
      for (const w of g.items) lastSampleSlot.set(`${key}\u0000${w.item.id}`, ws);
    }
    track(
      `run\u0000${key}`,
      async () => {
        await deps.run(c, env);
        evaluateSoon.add(key);
      },
      'scheduled run',
      fields,
    );
  }

  async function notify(checklists: Checklist[]): Promise<void> {
    const at = clock().getTime();
    for (const c of checklists) {
      const { targets, problems } = resolveTargets(c, deps.env);
      const problemKey = `notify\u0000${c.digest}`;
      if (problems.length > 0 && !reported.has(problemKey)) {
        reported.add(problemKey);
        for (const p of problems)
          logger.warn('notification target unusable', { checklist: c.id, problem: p });
      }
      if (targets.length === 0) continue;
      for (const env of environmentsOf(c)) {
        const key = `${c.id}\u0000${env}`;
        if (!evaluateSoon.has(key) && at - (lastEvaluated.get(key) ?? 0) < opts.evaluateEveryMs) continue;
        evaluateSoon.delete(key);
        lastEvaluated.set(key, at);
        const evaluation = await deps.evaluate(c, env);
        const stateKey = `notify/${c.id}/${env}`;
        const stored = await store.loadWatchState(stateKey);
        const previous = stored ? (JSON.parse(stored.value) as WatchSnapshot) : undefined;
        const version = stored?.version ?? 0;
        const { events, next } = deriveEvents({
          checklist: c,
          evaluation,
          previous,
          previousVersion: version,
          now: deps.now(),
        });
        if (previous && events.length === 0 && JSON.stringify(previous) === JSON.stringify(next)) continue;
        // Every payload carries the audit head, so every receiver witnesses the chain.
        const queued = events.length > 0 ? deliveriesFor(events, targets, await store.auditHead()) : [];
        const ok = await store.commitWatchState(stateKey, JSON.stringify(next), version, queued, clock());
        if (ok && events.length > 0) {
          logger.info('notification events', {
            checklist: c.id,
            environment: env,
            events: events.map((e) => e.event),
            deliveries: queued.length,
          });
        }
      }
    }
  }

  function prune(checklists: Checklist[]): void {
    const at = clock().getTime();
    if (at - lastPrune < opts.pruneEveryMs) return;
    lastPrune = at;
    let longestHold = 0;
    for (const c of checklists) {
      for (const i of c.items) {
        const window = i.check?.window;
        if (window) longestHold = Math.max(longestHold, window.holdMs);
      }
    }
    const keep = Math.max(2 * longestHold, opts.retentionMs);
    track(
      'prune',
      async () => {
        const samples = await store.pruneSamples(new Date(deps.now().getTime() - keep).toISOString());
        const slots = await store.pruneSlots(new Date(at - keep).toISOString());
        if (samples + slots > 0) logger.info('pruned', { samples, slots, keptMs: keep });
      },
      'pruning',
      {},
    );
  }

  async function tick(): Promise<void> {
    nextDue = Number.POSITIVE_INFINITY;
    const attempts = lease.attempts;
    const leader = await lease.tick().catch((err: unknown) => {
      observer.lease?.('error');
      throw err;
    });
    if (leader && lease.attempts !== attempts) observer.lease?.('renewed');
    observer.leading?.(opts.holder, leader);
    if (leader !== wasLeader) {
      if (wasLeader) observer.lease?.('lost');
      wasLeader = leader;
      logger.info(leader ? 'leading the scheduler' : 'not leading the scheduler', {
        holder: opts.holder,
        leader: lease.currentHolder,
      });
    }
    if (!leader) return;
    const now = clock();
    const checklists = deps.checklists();
    for (const c of checklists) {
      const plan = plans.of(c);
      const s = plan.schedule;
      if (!s) continue;
      for (const env of environmentsOf(c)) {
        if (abort.signal.aborted) return;
        await schedule(c, plan, s, env, now);
      }
    }
    prune(checklists);
    track('notify', () => notify(checklists), 'notification evaluation', {});
    track('deliver', () => notifier.deliverDue(abort.signal), 'notification delivery', {});
  }

  const loop = (async () => {
    while (!abort.signal.aborted) {
      try {
        await tick();
      } catch (err) {
        logger.error('watch loop tick failed', { error: (err as Error).message });
      }
      lastTick = clock();
      // Wake at the tick, or sooner for a run or sample slot that falls before it (a 250ms `every`
      // is honoured with the default 1s tick).
      const wait = Math.max(1, Math.min(opts.tickMs, nextDue - lastTick.getTime()));
      try {
        await sleep(wait, undefined, { signal: abort.signal });
      } catch {
        // Aborted: stop() was called.
      }
    }
  })();

  let stopping: Promise<void> | undefined;
  return {
    holder: opts.holder,
    alive: () =>
      !abort.signal.aborted &&
      lastTick !== undefined &&
      clock().getTime() - lastTick.getTime() <= Math.max(5 * opts.tickMs, 10_000),
    lastTick: () => lastTick,
    isLeader: () => lease.isLeader(),
    stop() {
      stopping ??= (async () => {
        abort.abort();
        await loop;
        await Promise.allSettled([...inFlight.values()]);
        await lease.release().catch(() => {});
      })();
      return stopping;
    },
  };
}
