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
  readonly #onRunAbort = () => this.#stop(this.run?.reason, false);

  constructor(
    readonly timeoutMs: number,
    readonly run: AbortSignal | undefined,
    private readonly forget: (group: Group) => void,
  ) {
    const slack = Math.min(MAX_SLACK_MS, timeoutMs / 20);
    this.#closesAt = performance.now() + slack;
    // Up to `concurrency` checks listen to one signal at once: that is by design, not a leak.
    setMaxListeners(0, this.controller.signal);
    if (run?.aborted) {
      // Cancelled already: its attempts get an aborted signal and stop before they start.
      this.controller.abort(run.reason);
      this.#ended = true;
      return;
    }
    this.#timer = setTimeout(
      () => this.#stop(new DOMException(TIMEOUT_MESSAGE, 'TimeoutError'), true),
      timeoutMs + slack,
    );
    run?.addEventListener('abort', this.#onRunAbort, { once: true });
  }

  /** Whether an attempt starting now may join (its deadline is then at or before the group's). */
  get open(): boolean {
    return !this.#ended && performance.now() <= this.#closesAt;
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
    if (this.#active.size === 0) this.#timer?.ref();
    this.#active.add(attempt);
    return attempt;
  }

  leave(attempt: Attempt): void {
    this.#active.delete(attempt);
    if (this.#active.size > 0) return;
    // Idle: done for good once it cannot be joined any more; until then its timer must not keep the
    // process alive (attempts that finish one after another keep using it instead of making new ones).
    if (performance.now() > this.#closesAt) this.#end();
    else this.#timer?.unref();
  }

  #stop(reason: unknown, timedOut: boolean): void {
    if (this.#ended) return;
    const stopping = [...this.#active];
    this.#end();
    for (const attempt of stopping) attempt.timedOut = timedOut;
    this.controller.abort(reason);
    for (const attempt of stopping) attempt.onStop?.();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#timer);
    this.run?.removeEventListener('abort', this.#onRunAbort);
    this.forget(this);
  }
}

/** The open group per timeout, per run signal (attempts of different runs never share a signal). */
const noRun = new Map<number, Group>();
const byRun = new WeakMap<AbortSignal, Map<number, Group>>();

/**
 * The deadline of an attempt starting now that may run `timeoutMs`, also stopped when `run` aborts.
 * @example const d = startDeadline(10_000); try { await probe({ signal: d.signal }); } finally { d.release(); }
 */
export function startDeadline(timeoutMs: number, run?: AbortSignal): Deadline {
  let groups = noRun;
  if (run) {
    groups = byRun.get(run) ?? new Map();
    byRun.set(run, groups);
  }
  let group = groups.get(timeoutMs);
  if (!group?.open) {
    group = new Group(timeoutMs, run, (ended) => {
      if (groups.get(timeoutMs) === ended) groups.delete(timeoutMs);
    });
    if (group.cancelled) return group.join();
    groups.set(timeoutMs, group);
  }
  return group.join();
}

/** How many groups hold a timer that keeps the process alive (tests: none once every attempt is released). */
export function liveGroups(): number {
  let live = 0;
  for (const group of noRun.values()) if (group.live) live++;
  return live;
}
