// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` is the checklist placeholder syntax under test
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { CheckSpec } from '../model/checklist.js';
import type { CheckOutcome } from '../model/state.js';
import { type CheckDefinition, CheckFailure, defineCheck } from './check.js';
import { evaluateBounded } from './condition-pool.js';
import { Abandoned, AttemptLimit, executeChecks, MAX_OBSERVED_STRING, runCheck } from './execute.js';
import { type PreparedCheck, prepareCheck } from './prepare.js';
import { dbKind, itemWith, registryOf, secretKind, webKind } from './test-support/kinds.js';

const attempts = new Map<string, number>();
const inFlight = { now: 0, max: 0, byHost: new Map<string, number>(), maxByHost: new Map<string, number>() };

/** Behaviour chosen by the target: `hang`, `flaky:N` (fails N times), `throw`, `slow-host:H`. */
const probe = defineCheck({
  kind: 'probe',
  summary: 'test probe',
  target: z.string(),
  options: z.strictObject({ secret_header: z.string().optional() }),
  variables: {
    status: { type: 'int', description: 'status' },
    body: { type: 'dyn', description: 'body' },
  },
  defaultExpect: ['status == 200'],
  hostKey: (target: string) => (target.startsWith('host:') ? target.split(':')[1] : undefined),
  async run(target: string, options) {
    const n = (attempts.get(target) ?? 0) + 1;
    attempts.set(target, n);
    if (target === 'hang') return new Promise(() => {});
    if (target === 'throw') throw new TypeError('cannot read properties of undefined');
    if (target === 'refused') throw new CheckFailure('connect ECONNREFUSED 127.0.0.1:1');
    if (target.startsWith('flaky:')) {
      const failures = Number(target.split(':')[1]);
      return { status: n <= failures ? 503 : 200, body: { attempt: n } };
    }
    if (target.startsWith('echo:'))
      return { status: 200, body: { echoed: target.slice(5), header: options.secret_header ?? null } };
    if (target === 'big') return { status: 200, body: 'x'.repeat(MAX_OBSERVED_STRING * 3) };
    if (target.startsWith('host:')) {
      const host = target.split(':')[1]!;
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      const h = (inFlight.byHost.get(host) ?? 0) + 1;
      inFlight.byHost.set(host, h);
      inFlight.maxByHost.set(host, Math.max(inFlight.maxByHost.get(host) ?? 0, h));
      await new Promise((resolve) => setImmediate(resolve));
      inFlight.now--;
      inFlight.byHost.set(host, inFlight.byHost.get(host)! - 1);
      return { status: 200 };
    }
    return { status: 200 };
  },
});

const registry = registryOf(
  probe as CheckDefinition<unknown, unknown>,
  webKind as CheckDefinition<unknown, unknown>,
  secretKind as CheckDefinition<unknown, unknown>,
  dbKind as CheckDefinition<unknown, unknown>,
);
const ctx = {
  baseDir: '/tmp',
  env: { API_KEY: 'planted-api-key-0123', SECRET_VAR: 'planted-secret-variable-value' },
  now: () => new Date('2026-12-01T10:00:00Z'),
};
const source = { environment: 'production', block: { HOST: 'example.com' }, env: ctx.env };

function prepare(
  id: string,
  check: Partial<CheckSpec> & Pick<CheckSpec, 'kind' | 'target'>,
): PreparedCheck | CheckOutcome {
  const p = prepareCheck(itemWith(id, check), registry, source);
  return 'check' in p ? p.check : p.outcome;
}

async function outcomeOf(
  check: Partial<CheckSpec> & Pick<CheckSpec, 'kind' | 'target'>,
): Promise<CheckOutcome> {
  const p = prepare('x/item', check);
  return 'def' in p ? runCheck(p, ctx) : p;
}

describe('runCheck', () => {
  it.each([
    { name: 'pass', check: { kind: 'probe', target: 'ok' }, status: 'pass', message: undefined },
    {
      name: 'condition false',
      check: { kind: 'probe', target: 'flaky:9' },
      status: 'fail',
      message: 'status == 200 — got status=503',
    },
    {
      name: 'a check that never resolves ends at its timeout',
      check: { kind: 'probe', target: 'hang', timeout: '50ms' },
      status: 'error',
      message: 'timed out after 50ms',
    },
    {
      name: 'an exception is an error',
      check: { kind: 'probe', target: 'throw' },
      status: 'error',
      message: 'probe check crashed: cannot read properties of undefined',
    },
    {
      name: 'CheckFailure is an error with its message',
      check: { kind: 'probe', target: 'refused' },
      status: 'error',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    },
    {
      name: 'retries until it passes',
      check: { kind: 'probe', target: 'flaky:2', retries: 2, retry_delay: '1ms' },
      status: 'pass',
      message: undefined,
    },
    {
      name: 'retries run out',
      check: { kind: 'probe', target: 'flaky:5', retries: 1, retry_delay: '1ms' },
      status: 'fail',
      message: 'status == 200 — got status=503 (after 2 attempts)',
    },
    {
      name: 'an unset variable',
      check: { kind: 'probe', target: '${BASE_URL}/health' },
      status: 'error',
      message:
        '${BASE_URL} is not set for environment production (front matter) nor in the process environment',
    },
    {
      name: 'a bad option after expansion',
      check: { kind: 'probe', target: 'ok', options: { nope: 1 } },
      status: 'error',
      message: 'unknown option "nope" for probe; probe accepts: secret_header',
    },
    {
      name: 'an unknown kind',
      check: { kind: 'ftp', target: 'x' },
      status: 'error',
      message: 'unknown check kind "ftp"; known kinds: db, probe, secret, web',
    },
  ])('$name', async ({ check, status, message }) => {
    attempts.clear();
    const outcome = await outcomeOf(check as unknown as CheckSpec);
    expect(outcome.status).toBe(status);
    if (message === undefined) expect(outcome.message).toBeUndefined();
    else expect(outcome.message).toContain(message);
    expect(outcome.item).toBe('x/item');
    // A failure that observed nothing shows no observed values rather than an empty object.
    if (status === 'error') expect(outcome.observed).toBeUndefined();
  });

  it.each([
    ['cheap conditions, judged in place', ['status == 200', 'body.echoed == "abc"']],
    ['a bounded condition, judged under the budget', ['status == 200', 'body.echoed.matches("^a")']],
  ])('%s: the verdict evaluateBounded gives', async (_name, expect_) => {
    for (const target of ['echo:abc', 'echo:xbc']) {
      const p = prepare('x/item', { kind: 'probe', target, expect: expect_ } as unknown as CheckSpec);
      if (!('def' in p)) throw new Error(p.message);
      const observation = await p.def.run(p.target, p.options, {
        ...ctx,
        signal: new AbortController().signal,
        timeoutMs: 1000,
      });
      const verdict = await evaluateBounded(p.def, p.conditions, observation, {
        known: p.known,
        budgetMs: 5000,
      });
      const outcome = await runCheck(p, ctx);
      expect([target, outcome.status, outcome.message]).toEqual([target, verdict.status, verdict.message]);
      expect(outcome.status).toBe(target === 'echo:abc' ? 'pass' : 'fail');
    }
  });

  it('records when and how long', async () => {
    const outcome = await outcomeOf({ kind: 'probe', target: 'ok' });
    expect(outcome.at).toBe('2026-12-01T10:00:00.000Z');
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    expect(outcome.observed).toEqual({ status: 200 });
  });

  it('keeps secrets out of observed values and messages', async () => {
    const echoed = await outcomeOf({
      kind: 'probe',
      target: 'echo:${HOST}',
      options: { secret_header: 'Bearer ${API_KEY}' },
      expect: ['body.header == "x"'],
    });
    const secret = await outcomeOf({ kind: 'secret', target: 'SECRET_VAR', expect: ['value == "other"'] });
    const text = JSON.stringify([echoed, secret]);
    expect(text).not.toContain('planted-api-key-0123');
    expect(text).not.toContain('planted-secret-variable-value');
    expect(echoed.observed).toEqual({
      status: 200,
      body: { echoed: 'example.com', header: 'Bearer ${API_KEY}' },
    });
    expect(echoed.message).toBe('body.header == "x" — got body.header="Bearer ${API_KEY}"');
    expect(secret.observed).toMatchObject({
      set: true,
      length: 29,
      value: expect.stringMatching(/^\[secret len=29 sha256=[0-9a-f]{8}\]$/),
    });
    expect(secret.message).toMatch(/^value == "other" — got value=\[secret len=29 sha256=[0-9a-f]{8}\]$/);
  });

  it('drops the observed values when nobody keeps them (a sample), the message still redacted', async () => {
    const p = prepare('x/item', {
      kind: 'probe',
      target: 'echo:${HOST}',
      options: { secret_header: 'Bearer ${API_KEY}' },
      expect: ['body.header == "x"'],
    });
    if (!('def' in p)) throw new Error('not prepared');
    const outcome = await runCheck(p, { ...ctx, keepObserved: false });
    expect(outcome.observed).toBeUndefined();
    expect(outcome).toMatchObject({
      status: 'fail',
      message: 'body.header == "x" — got body.header="Bearer ${API_KEY}"',
    });
  });

  it('gives every outcome its keys in one order, none of them present and undefined', async () => {
    // Built as one literal per set of keys (bench/README "branch mem50k"): the order the report, the
    // store and the digests have always seen, whether a message and observed values are there or not.
    const withMessage = prepare('x/flaky', {
      kind: 'probe',
      target: 'flaky:9',
      retries: 1,
      retry_delay: '1ms',
    });
    const plain = prepare('x/plain', { kind: 'probe', target: 'ok' });
    if (!('def' in withMessage) || !('def' in plain)) throw new Error('not prepared');
    const cases = [
      [await runCheck(plain, ctx), ['item', 'status', 'observed', 'durationMs', 'at']],
      [await runCheck(plain, { ...ctx, keepObserved: false }), ['item', 'status', 'durationMs', 'at']],
      [await runCheck(withMessage, ctx), ['item', 'status', 'message', 'observed', 'durationMs', 'at']],
      [
        await runCheck(withMessage, { ...ctx, keepObserved: false }),
        ['item', 'status', 'message', 'durationMs', 'at'],
      ],
    ] as const;
    for (const [outcome, keys] of cases) {
      expect(Object.keys(outcome)).toEqual(keys);
      for (const key of keys) expect(outcome[key as keyof CheckOutcome]).not.toBeUndefined();
    }
    expect(cases[2][0].message).toBe('status == 200 — got status=503 (after 2 attempts)');
    expect(cases[0][0]).toMatchObject({ item: 'x/plain', status: 'pass', observed: { status: 200 } });
  });

  it('cuts very long observed strings', async () => {
    const outcome = await outcomeOf({ kind: 'probe', target: 'big' });
    const body = (outcome.observed as { body: string }).body;
    expect(body.length).toBeLessThan(MAX_OBSERVED_STRING + 100);
    expect(body).toContain(`… (cut to ${MAX_OBSERVED_STRING} characters)`);
  });

  it('judges a CheckFailure partial observation', async () => {
    const outcome = await outcomeOf({ kind: 'db', target: '127.0.0.1:1', expect: ['!connected'] });
    expect(outcome).toMatchObject({ status: 'pass', observed: { connected: false } });
  });
});

describe('executeChecks', () => {
  it('never has more than perHost checks in flight to one host, while other hosts proceed', async () => {
    inFlight.max = 0;
    inFlight.maxByHost.clear();
    const checks = [
      ...Array.from({ length: 500 }, (_, i) => prepare(`a/${i}`, { kind: 'probe', target: 'host:a' })),
      ...Array.from({ length: 100 }, (_, i) => prepare(`b/${i}`, { kind: 'probe', target: 'host:b' })),
    ] as PreparedCheck[];
    const progress: number[] = [];
    const outcomes = await executeChecks(checks, {
      ...ctx,
      perHost: 8,
      concurrency: 64,
      onProgress: (_o, done) => progress.push(done),
    });
    expect(outcomes.size).toBe(600);
    expect([...outcomes.values()].every((o) => o.status === 'pass')).toBe(true);
    expect(inFlight.maxByHost.get('a')).toBe(8);
    expect(inFlight.maxByHost.get('b')).toBe(8);
    expect(inFlight.max).toBe(16);
    expect(progress).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
  });

  it('takes the list when called: emptied then (to let each check go once run), every check still runs', async () => {
    const checks = Array.from({ length: 40 }, (_, i) =>
      prepare(`e/${i}`, { kind: 'probe', target: i % 2 ? 'host:a' : 'host:b' }),
    ) as PreparedCheck[];
    const totals = new Set<number>();
    const running = executeChecks(checks, {
      ...ctx,
      perHost: 2,
      concurrency: 3,
      onProgress: (_o, _done, total) => totals.add(total),
    });
    checks.length = 0;
    const outcomes = await running;
    expect(outcomes.size).toBe(40);
    expect([...outcomes.values()].every((o) => o.status === 'pass')).toBe(true);
    expect([...totals]).toEqual([40]);
  });

  it('leaves no listener behind on a signal that outlives its runs (the watch loop samples under one)', async () => {
    const loop = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // Samples one after another, each with its own timeout (a group of deadlines of its own).
      for (let round = 0; round < 3; round++) {
        const checks = Array.from({ length: 12 }, (_, i) =>
          prepare(`w/${round}-${i}`, { kind: 'probe', target: 'ok', timeout: `${i + 1}s` }),
        ) as PreparedCheck[];
        const outcomes = await executeChecks(checks, {
          ...ctx,
          concurrency: 4,
          signal: loop.signal,
          onProgress: () => {},
        });
        expect([...outcomes.values()].every((o) => o.status === 'pass')).toBe(true);
        expect(getEventListeners(loop.signal, 'abort')).toHaveLength(0);
      }
      // A warning is emitted on a later tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('gives every item an outcome when the run is cancelled', async () => {
    const controller = new AbortController();
    const checks = [
      prepare('hang/1', { kind: 'probe', target: 'hang' }),
      ...Array.from({ length: 5 }, (_, i) => prepare(`q/${i}`, { kind: 'probe', target: 'ok' })),
    ] as PreparedCheck[];
    const running = executeChecks(checks, {
      ...ctx,
      concurrency: 1,
      signal: controller.signal,
      onProgress: () => {},
    });
    // The hanging check holds the only slot; cancel once it has started.
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const outcomes = await running;
    expect(outcomes.get('hang/1')).toMatchObject({
      status: 'error',
      message: 'run cancelled before this check finished',
    });
    for (let i = 0; i < 5; i++) {
      expect(outcomes.get(`q/${i}`)).toMatchObject({
        status: 'error',
        message: 'run cancelled before this check started',
      });
    }
  });
});

describe('run() receives the parsed target and options', () => {
  const parses: string[] = [];
  const received: unknown[] = [];
  const parsedKind = defineCheck({
    kind: 'parsed',
    summary: 'a kind whose schemas parse into objects',
    target: z.string().transform((text) => {
      parses.push(text);
      const url = new URL(text);
      return { url, port: Number(url.port) };
    }),
    options: z
      .strictObject({ path: z.string().default('/') })
      .transform((o) => ({ segments: o.path.split('/') })),
    variables: { status: { type: 'int', description: 'status' } },
    defaultExpect: ['status == 200'],
    hostKey: (target) => target.url.host,
    async run(target, options) {
      received.push({ target, options });
      return { status: 503 };
    },
  });
  const kinds = registryOf(parsedKind as CheckDefinition<unknown, unknown>);

  it('parses once per run after ${NAME} expansion, and every attempt gets the same parsed values', async () => {
    const item = itemWith('x/parsed', {
      kind: 'parsed',
      target: 'https://${HOST}:8443/ready',
      options: { path: 'a/b' },
      retries: 2,
      retry_delay: '1ms',
    });
    const p = prepareCheck(item, kinds, source);
    if (!('check' in p)) throw new Error(p.outcome.message);
    expect(p.check.host).toBe('example.com:8443');
    const outcome = await runCheck(p.check, ctx);
    expect(outcome.message).toBe('status == 200 — got status=503 (after 3 attempts)');
    expect(parses).toEqual(['https://example.com:8443/ready']);
    expect(received).toHaveLength(3);
    const first = received[0] as { target: { url: URL; port: number }; options: unknown };
    expect(first.target.url).toBeInstanceOf(URL);
    expect(first.target.port).toBe(8443);
    expect(first.options).toEqual({ segments: ['a', 'b'] });
    expect(received.every((r) => (r as typeof first).target === first.target)).toBe(true);
  });
});

describe('an attempt settles once, whatever the kind does', () => {
  /** A kind whose run() is not async: it may throw before returning a promise, or settle late. */
  const plain = defineCheck({
    kind: 'plain',
    summary: 'a kind with a plain run()',
    target: z.string(),
    options: z.strictObject({}),
    variables: { status: { type: 'int', description: 'status' } },
    defaultExpect: ['status == 200'],
    run(target: string) {
      if (target === 'sync-throw') throw new RangeError('thrown before any promise');
      const late = (settle: () => void) => new Promise<void>((r) => setTimeout(r, 60)).then(settle);
      if (target === 'late-value') return late(() => {}).then(() => ({ status: 200 }));
      if (target === 'late-error')
        return late(() => {}).then(() => {
          throw new Error('rejected after it was abandoned');
        });
      return Promise.resolve({ status: 200 });
    },
  });
  const kinds = registryOf(plain as CheckDefinition<unknown, unknown>);
  const run = async (target: string, timeout?: string) => {
    const p = prepareCheck(
      itemWith('x/plain', { kind: 'plain', target, ...(timeout ? { timeout } : {}) }),
      kinds,
      source,
    );
    if (!('check' in p)) throw new Error(p.outcome.message);
    return runCheck(p.check, ctx);
  };

  it('a synchronous throw from run() is the kind crashing', async () => {
    expect(await run('sync-throw')).toMatchObject({
      status: 'error',
      message: 'plain check crashed: thrown before any promise',
    });
  });

  it.each(['late-value', 'late-error'])(
    'a check that ignores its signal (%s) is abandoned at its deadline; what it gives later is ignored',
    async (target) => {
      const outcome = await run(target, '10ms');
      expect(outcome).toMatchObject({ status: 'error', message: 'timed out after 10ms' });
      // Let the abandoned check settle: nothing changes and no rejection is left unhandled.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(outcome).toMatchObject({ status: 'error', message: 'timed out after 10ms' });
    },
  );

  it('a plain run() that resolves is judged', async () => {
    expect(await run('ok')).toMatchObject({ status: 'pass' });
  });
});

describe('AttemptLimit.settle (a runner job)', () => {
  it('abandons a start that ignores its signal at the deadline; what it gives later is ignored', async () => {
    for (const late of [() => ({ status: 200 }), () => Promise.reject(new Error('late'))]) {
      const limit = new AttemptLimit(10, undefined);
      let settle!: () => void;
      const gate = new Promise<void>((resolve) => {
        settle = resolve;
      });
      const settled = limit.settle(() => gate.then(late));
      await expect(settled).rejects.toBeInstanceOf(Abandoned);
      expect(limit.timedOut).toBe(true);
      settle();
      await new Promise((resolve) => setTimeout(resolve, 20));
      limit.dispose();
    }
  });

  it('settles with what start gives, or its error, a synchronous throw too', async () => {
    const ok = new AttemptLimit(1000, undefined);
    await expect(ok.settle(async () => 'value')).resolves.toBe('value');
    ok.dispose();
    const thrown = new AttemptLimit(1000, undefined);
    await expect(
      thrown.settle(() => {
        throw new RangeError('sync');
      }),
    ).rejects.toThrow('sync');
    thrown.dispose();
    const cancelled = new AbortController();
    cancelled.abort();
    const before = new AttemptLimit(1000, cancelled.signal);
    let called = false;
    await expect(
      before.settle(async () => {
        called = true;
      }),
    ).rejects.toBeInstanceOf(Abandoned);
    expect(called).toBe(false);
    before.dispose();
  });
});
