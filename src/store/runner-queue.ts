import type PgBoss from 'pg-boss';
import type { ClaimedJob, RunnerAnswer, RunnerBroker, RunnerDispatch, RunnerJob } from '../engine/runners.js';
import { formatDuration } from '../model/duration.js';

/**
 * The runner queue on the PostgreSQL store's database, with pg-boss (its own schema, `gonogo_boss`): one
 * queue per runner label, a job per attempt of a `runner:` check. pg-boss gives the exactly-once claim
 * (`FOR UPDATE SKIP LOCKED`), the expiry of a claimed job whose runner went silent (the check's timeout
 * plus a grace) and its retry on another runner, and completion of an active job only (the first answer
 * wins). This side adds the waiting: a job nobody claims within the check's timeout is cancelled and
 * answered "no runner with label L answered within T".
 */

/** pg-boss's schema in the store's database. */
export const BOSS_SCHEMA = 'gonogo_boss';
/** A claimed job expires this long after the check's timeout (the runner's own limit fires first). */
const GRACE_S = 2;
/** Runner deaths tolerated per job: it is handed to another runner this many times. */
const RETRY_LIMIT = 2;
/** How often waiting runs and long polls look at the queue for changes made by other processes. */
const POLL_MS = 250;

const queueOf = (label: string) => `gonogo-runner-${label}`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Waiter {
  id: string;
  label: string;
  timeoutMs: number;
  /** Cancel the job when it is still unclaimed at this instant (ms since epoch); Infinity while claimed. */
  claimBy: number;
  resolve(answer: RunnerAnswer): void;
}

interface JobRow {
  id: string;
  state: 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
  retry_count: number;
  output: unknown;
  overdue: boolean | null;
}

/** Options of openRunnerQueue. */
export interface RunnerQueueOptions {
  /** Run pg-boss's maintenance (archive, expire, drop): the server does, a one-shot `gonogo run` does not. */
  supervise?: boolean;
  onError?(err: Error): void;
}

/** The runner queue: both ports, and close(). */
export interface RunnerQueue extends RunnerDispatch, RunnerBroker {
  close(): Promise<void>;
}

/** An answer as stored by `complete`, checked before it is believed. */
function answerOf(output: unknown): RunnerAnswer | undefined {
  if (!output || typeof output !== 'object') return undefined;
  const o = output as Record<string, unknown>;
  if (typeof o.error === 'string') return { error: o.error };
  if (o.observed && typeof o.observed === 'object' && !Array.isArray(o.observed)) {
    return {
      observed: o.observed as Record<string, unknown>,
      ...(typeof o.failure === 'string' ? { failure: o.failure } : {}),
    };
  }
  return undefined;
}

/**
 * Start pg-boss on `url` (creating its schema on first use) and return the queue.
 * @example const queue = await openRunnerQueue('postgres://localhost/gonogo', { supervise: true });
 */
export async function openRunnerQueue(url: string, opts: RunnerQueueOptions = {}): Promise<RunnerQueue> {
  const { default: Boss } = await import('pg-boss');
  const boss = new Boss({
    connectionString: url,
    schema: BOSS_SCHEMA,
    application_name: 'gonogo-runner-queue',
    max: 4,
    supervise: opts.supervise === true,
    schedule: false,
  });
  boss.on('error', (err: Error) => opts.onError?.(err));
  await boss.start();
  return new PgBossQueue(boss);
}

class PgBossQueue implements RunnerQueue {
  private readonly waiters = new Map<string, Waiter>();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private poller: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(private readonly boss: PgBoss) {}

  private ensureQueue(label: string): Promise<void> {
    let ready = this.queues.get(label);
    if (!ready) {
      ready = this.boss.createQueue(queueOf(label));
      ready.catch(() => this.queues.delete(label));
      this.queues.set(label, ready);
    }
    return ready;
  }

  async observe(label: string, job: RunnerJob, signal?: AbortSignal): Promise<RunnerAnswer> {
    if (this.closed) return { error: 'the runner queue is closed (the process is stopping)' };
    if (signal?.aborted) return { error: 'run cancelled before this check started' };
    const seconds = Math.ceil(job.timeoutMs / 1000);
    let id: string | null;
    try {
      await this.ensureQueue(label);
      id = await this.boss.send(queueOf(label), job as unknown as object, {
        expireInSeconds: seconds + GRACE_S,
        retryLimit: RETRY_LIMIT,
        retryDelay: 0,
        // Unclaimed jobs must outlive the claim window; the waiter cancels them at its end.
        retentionSeconds: seconds * 2 + 60,
      });
    } catch (err) {
      return { error: `cannot queue the job for runner label ${label}: ${(err as Error).message}` };
    }
    if (!id) return { error: `cannot queue the job for runner label ${label}` };
    const jobId = id;
    return new Promise<RunnerAnswer>((resolve) => {
      const onAbort = () => {
        void this.boss.cancel(queueOf(label), jobId).catch(() => {});
        settle({ error: 'run cancelled before this check finished' });
      };
      const settle = (answer: RunnerAnswer) => {
        if (!this.waiters.delete(jobId)) return;
        signal?.removeEventListener('abort', onAbort);
        resolve(answer);
      };
      this.waiters.set(jobId, {
        id: jobId,
        label,
        timeoutMs: job.timeoutMs,
        claimBy: Date.now() + job.timeoutMs,
        resolve: settle,
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const wake of this.wakers) wake();
      this.poller ??= setInterval(() => void this.poll(), POLL_MS);
    });
  }

  /** Look at every job this process waits for, in one query: answers, expiries, claim deadlines. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    if (this.waiters.size === 0) {
      clearInterval(this.poller);
      this.poller = undefined;
      return;
    }
    this.polling = true;
    try {
      const ids = [...this.waiters.keys()];
      const { rows } = (await this.boss
        .getDb()
        .executeSql(
          `SELECT id::text AS id, state, retry_count, output, (started_on + expire_in) < now() AS overdue FROM ${BOSS_SCHEMA}.job WHERE id = ANY($1::uuid[])`,
          [ids],
        )) as { rows: JobRow[] };
      let expire = false;
      const now = Date.now();
      const seen = new Set(rows.map((r) => r.id));
      for (const id of ids) {
        // Gone from the queue (archived or deleted by hand): nothing will ever answer it.
        if (!seen.has(id))
          this.waiters.get(id)?.resolve({ error: 'the runner job left the queue unanswered' });
      }
      for (const row of rows) {
        const w = this.waiters.get(row.id);
        if (!w) continue;
        if (row.state === 'completed') {
          w.resolve(
            answerOf(row.output) ?? {
              error: 'the runner answered with something that is not an observation',
            },
          );
        } else if (row.state === 'failed') {
          w.resolve({
            error: `runners with label ${w.label} took this job ${row.retry_count + 1} times and none answered within ${formatDuration(w.timeoutMs)}`,
          });
        } else if (row.state === 'cancelled') {
          w.resolve({ error: `the job for runner label ${w.label} was cancelled` });
        } else if (row.state === 'active') {
          w.claimBy = Number.POSITIVE_INFINITY;
          if (row.overdue) expire = true;
        } else {
          // Waiting to be claimed (first time, or again after its runner went silent).
          if (w.claimBy === Number.POSITIVE_INFINITY) w.claimBy = now + w.timeoutMs;
          if (now >= w.claimBy) await this.giveUp(w);
        }
      }
      // A runner that went silent: pg-boss moves its expired job back to the queue for another one.
      if (expire) await this.boss.expire();
    } catch {
      // A failed look is retried at the next tick; the claim deadlines still bound the wait.
    } finally {
      this.polling = false;
    }
  }

  private async giveUp(w: Waiter): Promise<void> {
    const r = (await this.boss.cancel(queueOf(w.label), w.id)) as unknown as { affected?: number };
    // Claimed in the meantime: keep waiting for its answer.
    if (r?.affected === 0) return;
    w.resolve({ error: `no runner with label ${w.label} answered within ${formatDuration(w.timeoutMs)}` });
  }

  async claim(
    labels: readonly string[],
    opts: { waitMs: number; max: number; signal?: AbortSignal },
  ): Promise<ClaimedJob[]> {
    const deadline = Date.now() + opts.waitMs;
    const claimed: ClaimedJob[] = [];
    for (;;) {
      for (const label of labels) {
        if (claimed.length >= opts.max) break;
        const jobs = await this.boss.fetch<RunnerJob>(queueOf(label), {
          batchSize: opts.max - claimed.length,
        });
        for (const j of jobs) claimed.push({ id: j.id, label, job: j.data });
      }
      const left = deadline - Date.now();
      if (claimed.length > 0 || left <= 0 || opts.signal?.aborted || this.closed) return claimed;
      await this.nap(Math.min(left, POLL_MS), opts.signal);
    }
  }

  /** Wait `ms`, or less when a job is queued by this process or `signal` aborts. */
  private nap(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async complete(id: string, labels: readonly string[], answer: RunnerAnswer): Promise<string | undefined> {
    if (!UUID.test(id)) return undefined;
    for (const label of labels) {
      const r = (await this.boss.complete(queueOf(label), id, answer as object)) as unknown as {
        affected?: number;
      };
      if (r?.affected === 1) {
        // Answered here: the waiting run in this process needs no poll.
        this.waiters.get(id)?.resolve(answer);
        return label;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    for (const wake of this.wakers) wake();
    for (const w of this.waiters.values())
      w.resolve({ error: 'the process stopped while waiting for a runner' });
    await this.boss.stop({ graceful: false, wait: true, close: true }).catch(() => {});
  }
}
