import { setMaxListeners } from 'node:events';

/**
 * Attempt deadlines, shared. Every attempt of a check runs under a timeout, and a run of 5,000 checks
 * would otherwise make 5,000 AbortControllers and 5,000 timers (an AbortSignal is an EventTarget: making
 * one costs about as much as the rest of the engine's work on a check). Attempts with the same timeout
 * that start within a short span of each other (the group's slack) share one controller and one timer,
 * set for the latest deadline among them: no attempt is ever stopped before its own timeout, and none
 * more than the slack after it (1/20 of the timeout, at most 50 ms: 10 s checks stop within 10.05 s).
 * A group ends, and its timer is cleared, when none of its attempts is running once it can no longer be
 * joined; an idle group never keeps the process alive.
 *
 * A run's signal can live much longer than any attempt (the watch loop of `gonogo serve`, a `gonogo runner`):
 * it carries one listener for all of the run's groups, there only while one of them has an attempt running.
 * A listener per group would stay until the group's timer fired, a timeout after its attempts were done:
 * samples every 250 ms of checks with a 2 s timeout kept 8 on the watch loop's signal, growing with the
 * number of watched checklists (and with `concurrency` where attempts run long).
 */

/** The longest an attempt may run past its timeout. */
export const MAX_SLACK_MS = 50;

/** The deadline of one attempt. */
export interface Deadline {
  /** Aborted when the deadline passes or the run is cancelled; give it to the check. */
  readonly signal: AbortSignal;
  /** Whether the deadline passed while the attempt was running. */
  readonly timedOut: boolean;
  /** Called once if the attempt must stop (deadline passed or run cancelled) while it runs. */
  onStop: (() => void) | undefined;
  /** The attempt is over: it no longer holds the group (call exactly once). */
  release(): void;
}

class Attempt implements Deadline {
  timedOut = false;
  onStop: (() => void) | undefined;
  constructor(private readonly group: Group) {}
  get signal(): AbortSignal {
    return this.group.controller.signal;
  }
  release(): void {
    this.group.leave(this);
  }
}

const TIMEOUT_MESSAGE = 'The operation was aborted due to timeout';

class Group {
  readonly controller = new AbortController();
  readonly #active = new Set<Attempt>();
  readonly #timer: NodeJS.Timeout | undefined;
  readonly #closesAt: number;
  #ended = false;

  constructor(
    readonly timeoutMs: number,
    private readonly run: RunGroups,
  ) {
    const slack = Math.min(MAX_SLACK_MS, timeoutMs / 20);
    this.#closesAt = performance.now() + slack;
    // Up to `concurrency` checks listen to one signal at once: that is by design, not a leak.
    setMaxListeners(0, this.controller.signal);
    if (run.signal?.aborted) {
      // Cancelled already: its attempts get an aborted signal and stop before they start.
      this.controller.abort(run.signal.reason);
      this.#ended = true;
      return;
    }
    this.#timer = setTimeout(
      () => this.#stop(new DOMException(TIMEOUT_MESSAGE, 'TimeoutError'), true),
      timeoutMs + slack,
    );
  }

  /** Whether an attempt starting now may join (its deadline is then at or before the group's). */
  get open(): boolean {
    // An idle group does not hear its run being cancelled: a later attempt must not join it then.
    return !this.#ended && performance.now() <= this.#closesAt && !this.run.signal?.aborted;
  }

  /** Whether its timer keeps the process alive. */
  get live(): boolean {
    return !this.#ended && this.#timer?.hasRef() === true;
  }

  /** An attempt of a group cancelled before it started (its signal is aborted already). */
  get cancelled(): boolean {
    return this.#ended && this.controller.signal.aborted;
  }

  join(): Attempt {
    const attempt = new Attempt(this);
    if (this.#ended) return attempt;
    if (this.#active.size === 0) {
      this.#timer?.ref();
      this.run.running(this);
    }
    this.#active.add(attempt);
    return attempt;
  }

  leave(attempt: Attempt): void {
    if (!this.#active.delete(attempt) || this.#active.size > 0) return;
    this.run.idle(this);
    // Idle: done for good once it cannot be joined any more; until then its timer must not keep the
    // process alive (attempts that finish one after another keep using it instead of making new ones).
    if (performance.now() > this.#closesAt) this.#end();
    else this.#timer?.unref();
  }

  /** Replaced by a newer group: no attempt will join it, so an idle one is done now, not at its timer. */
  retire(): void {
    if (this.#active.size === 0) this.#end();
  }

  /** The run was cancelled: stop its running attempts with the run's reason. */
  cancel(reason: unknown): void {
    this.#stop(reason, false);
  }

  #stop(reason: unknown, timedOut: boolean): void {
    if (this.#ended) return;
    const stopping = [...this.#active];
    this.#active.clear();
    this.#end();
    for (const attempt of stopping) attempt.timedOut = timedOut;
    this.controller.abort(reason);
    for (const attempt of stopping) attempt.onStop?.();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.run.idle(this);
    this.run.forget(this);
  }
}

/**
 * The groups of one run signal (or of none): the open group per timeout, and the one listener on the
 * signal that stops the groups with an attempt running when the run is cancelled.
 */
class RunGroups {
  readonly open = new Map<number, Group>();
  readonly #running = new Set<Group>();
  readonly #onAbort = () => {
    for (const group of [...this.#running]) group.cancel(this.signal?.reason);
  };

  constructor(readonly signal: AbortSignal | undefined) {}

  /** `group` has an attempt running. */
  running(group: Group): void {
    if (this.#running.size === 0) this.signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#running.add(group);
  }

  /** `group` has none running any more (or ended). */
  idle(group: Group): void {
    if (!this.#running.delete(group) || this.#running.size > 0) return;
    this.signal?.removeEventListener('abort', this.#onAbort);
  }

  forget(group: Group): void {
    if (this.open.get(group.timeoutMs) === group) this.open.delete(group.timeoutMs);
  }
}

/** The groups per run signal (attempts of different runs never share a signal). */
const noRun = new RunGroups(undefined);
const byRun = new WeakMap<AbortSignal, RunGroups>();

/**
 * The deadline of an attempt starting now that may run `timeoutMs`, also stopped when `run` aborts.
 * @example const d = startDeadline(10_000); try { await probe({ signal: d.signal }); } finally { d.release(); }
 */
export function startDeadline(timeoutMs: number, run?: AbortSignal): Deadline {
  let groups = noRun;
  if (run) {
    let known = byRun.get(run);
    if (!known) {
      known = new RunGroups(run);
      byRun.set(run, known);
    }
    groups = known;
  }
  let group = groups.open.get(timeoutMs);
  if (!group?.open) {
    group?.retire();
    group = new Group(timeoutMs, groups);
    if (group.cancelled) return group.join();
    groups.open.set(timeoutMs, group);
  }
  return group.join();
}

/** How many groups hold a timer that keeps the process alive (tests: none once every attempt is released). */
export function liveGroups(): number {
  let live = 0;
  for (const group of noRun.open.values()) if (group.live) live++;
  return live;
}
