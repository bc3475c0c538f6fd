import type { KindRegistry } from '../engine/check.js';
import { pause } from '../engine/execute.js';
import { observeJob } from '../engine/runner-work.js';
import type { ClaimedJob, RunnerAnswer } from '../engine/runners.js';

/**
 * The loop of `gonogo runner`: claim jobs of its labels from the server with a long poll (outbound
 * HTTP(S) only), observe each with the engine (same kinds, limits and redaction as a run), answer, and
 * start over. A server that cannot be reached, or answers 5xx or 429, is retried with exponential
 * backoff and jitter; a refused token (401/403) stops the runner, since retrying cannot fix it.
 * Stopping (SIGTERM/SIGINT) ends the long poll and lets the jobs in hand finish and be answered; a job
 * whose claim was cut off by the stop goes back to the queue when it expires (the check's timeout).
 */

/** The options of a runner, parsed once by the command. */
export interface RunnerOptions {
  server: URL;
  token: string;
  labels: string[];
  concurrency: number;
  /** Shown on the dashboard's Runners page. */
  name: string;
  version: string;
  /** Seconds a claim waits for a job. */
  waitS: number;
}

/** What the loop needs from its process. */
export interface RunnerDeps {
  registry: KindRegistry;
  env: Readonly<Record<string, string | undefined>>;
  baseDir: string;
  now: () => Date;
  /** One line for the log (stderr). */
  log(line: string): void;
  /** Aborted to stop gracefully: no new claims, the jobs in hand finish. */
  stop: AbortSignal;
  /** Aborted to stop at once: the checks in hand are cut short. */
  kill: AbortSignal;
}

/** Why the runner stopped: `stopped` (asked to) or `refused` (the server refused its token). */
export type RunnerExit = 'stopped' | 'refused';

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

class Refused extends Error {}

async function problemDetail(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { detail?: unknown };
    return typeof body.detail === 'string' ? body.detail : `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/**
 * Run until stopped or refused.
 * @example await runRunner(options, { registry, env: process.env, baseDir: process.cwd(), now, log, stop, kill });
 */
export async function runRunner(opts: RunnerOptions, deps: RunnerDeps): Promise<RunnerExit> {
  const api = new URL(
    'api/v1/runner/',
    opts.server.href.endsWith('/') ? opts.server : `${opts.server.href}/`,
  );
  const headers = {
    authorization: `Bearer ${opts.token}`,
    'content-type': 'application/json',
    'x-gonogo-runner': opts.name,
    'x-gonogo-runner-version': opts.version,
  };
  const post = (path: string, body: unknown, signal?: AbortSignal) =>
    fetch(new URL(path, api), {
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  const inHand = new Set<Promise<void>>();
  const stopped = new Promise<void>((r) => {
    if (deps.stop.aborted) r();
    deps.stop.addEventListener('abort', () => r(), { once: true });
  });
  let backoff = MIN_BACKOFF_MS;
  let refused = false;
  const wait = async (why: string) => {
    const ms = Math.round(backoff * (0.5 + Math.random() / 2));
    deps.log(`${why}; retrying in ${(ms / 1000).toFixed(1)}s`);
    await pause(ms, deps.stop);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  };

  const answer = async (job: ClaimedJob, result: RunnerAnswer) => {
    // The answer is worth a few tries: the job is done, only the server was briefly away.
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const res = await post(`./jobs/${encodeURIComponent(job.id)}:complete`, result, deps.kill);
        if (res.ok) return;
        if (res.status === 409)
          return deps.log(`job ${job.id} (${job.job.item}): ${await problemDetail(res)}`);
        if (res.status < 500 && res.status !== 429) {
          return deps.log(`job ${job.id} (${job.job.item}) answer refused: ${await problemDetail(res)}`);
        }
      } catch {
        if (deps.kill.aborted) return;
      }
      await pause(MIN_BACKOFF_MS * 2 ** attempt, deps.kill);
    }
    deps.log(
      `job ${job.id} (${job.job.item}): could not deliver the answer; the server will hand it to another runner`,
    );
  };

  const work = (job: ClaimedJob) => {
    const done = observeJob(job.job, {
      registry: deps.registry,
      env: deps.env,
      baseDir: deps.baseDir,
      now: deps.now,
      signal: deps.kill,
    })
      .then((result) => answer(job, result))
      .catch((err: unknown) => deps.log(`job ${job.id}: ${(err as Error).message}`))
      .finally(() => inHand.delete(done));
    inHand.add(done);
  };

  deps.log(
    `runner ${opts.name} taking jobs for ${opts.labels.join(', ')} from ${opts.server.origin} (concurrency ${opts.concurrency})`,
  );
  while (!deps.stop.aborted) {
    const free = opts.concurrency - inHand.size;
    if (free <= 0) {
      await Promise.race([...inHand, stopped]);
      continue;
    }
    let jobs: ClaimedJob[];
    try {
      const res = await post('./jobs:claim', { labels: opts.labels, wait: opts.waitS, max: free }, deps.stop);
      if (res.status === 401 || res.status === 403) throw new Refused(await problemDetail(res));
      if (!res.ok) {
        await wait(`the server answered ${res.status}: ${await problemDetail(res)}`);
        continue;
      }
      jobs = ((await res.json()) as { jobs: ClaimedJob[] }).jobs;
    } catch (err) {
      if (err instanceof Refused) {
        deps.log(`the server refused this runner: ${err.message}`);
        refused = true;
        break;
      }
      if (deps.stop.aborted) break;
      await wait(`cannot reach ${opts.server.origin}: ${(err as Error).message}`);
      continue;
    }
    backoff = MIN_BACKOFF_MS;
    for (const job of jobs) work(job);
  }
  if (inHand.size > 0) deps.log(`stopping: finishing ${inHand.size} job(s) in hand`);
  await Promise.allSettled([...inHand]);
  return refused ? 'refused' : 'stopped';
}
