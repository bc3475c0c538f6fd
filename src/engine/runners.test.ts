import { describe, expect, it } from 'vitest';
import envKind from '../checks/env.js';
import { parseCheckSettings } from '../model/check-options.js';
import { runCheck } from './execute.js';
import { prepareCheck } from './prepare.js';
import { observeJob } from './runner-work.js';
import type { RunnerAnswer, RunnerDispatch, RunnerJob } from './runners.js';
import { itemWith, registryOf } from './test-support/kinds.js';

/**
 * The engine's half of runners: what a job carries, the runner's observation (observeJob, the code
 * `gonogo runner` runs), and the server judging it. The dispatch here hands jobs straight to observeJob
 * with the runner's own environment: the queue in between is tested with pg-boss in
 * src/cli/commands/runner.test.ts.
 */

const registry = registryOf(envKind as never);
const now = () => new Date('2026-12-01T10:00:00Z');

function runnerIn(env: Record<string, string>, sent: RunnerJob[] = []): RunnerDispatch {
  return {
    async observe(_label, job) {
      sent.push(job);
      return observeJob(job, { registry, env, baseDir: '/tmp', now });
    },
  };
}

const serverEnv = { DB_PASSWORD: 'server-side-secret-1234' };
const source = (block: Record<string, string> = {}) => ({
  environment: 'production',
  block,
  env: serverEnv,
  secretNames: [],
});

function prepared(target: string, extra: Record<string, unknown> = {}, block: Record<string, string> = {}) {
  const p = prepareCheck(
    itemWith('x', { kind: 'env', target, runner: 'vpc', ...extra }),
    registry,
    source(block),
  );
  if ('outcome' in p) throw new Error(p.outcome.message);
  return p.check;
}

describe('runner: checks in the engine', () => {
  it('sends only the check, the environment block expanded and every other ${NAME} left for the runner', async () => {
    const sent: RunnerJob[] = [];
    const check = prepared('${PREFIX}_${DB_PASSWORD}', {}, { PREFIX: 'APP' });
    await runCheck(check, { baseDir: '.', env: serverEnv, now, runners: runnerIn({}, sent) });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      item: 'x',
      kind: 'env',
      target: 'APP_${DB_PASSWORD}',
      timeoutMs: 10_000,
    });
    expect(JSON.stringify(sent)).not.toContain('server-side-secret');
  });

  it('passes on what only the runner’s environment holds, redacted there, judged here', async () => {
    const check = prepared('RUNNER_ONLY');
    const outcome = await runCheck(check, {
      baseDir: '.',
      env: {},
      now,
      runners: runnerIn({ RUNNER_ONLY: 'hunter2-hunter2' }),
    });
    expect(outcome.status).toBe('pass');
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
    expect(outcome.observed).toMatchObject({ set: true, length: 15 });
  });

  it('judges the conditions on the server: a runner cannot turn a false condition into a pass', async () => {
    const forged: RunnerDispatch = {
      observe: async (): Promise<RunnerAnswer> => ({ observed: { set: false, length: 0 } }),
    };
    const check = prepared('ANY', { expect: ['set'] });
    const outcome = await runCheck(check, { baseDir: '.', env: {}, now, runners: forged });
    expect(outcome.status).toBe('fail');
    expect(outcome.message).toContain('set');
  });

  it('refuses a condition on a secret variable (the runner returns its fingerprint), unless secret: false', () => {
    const p = prepareCheck(
      itemWith('x', { kind: 'env', target: 'TOKEN', runner: 'vpc', expect: ['value == "x"'] }),
      registry,
      source(),
    );
    expect('outcome' in p && p.outcome.message).toContain(
      'reads value, which a runner reports only as a fingerprint',
    );
    const ok = prepareCheck(
      itemWith('x', {
        kind: 'env',
        target: 'MODE',
        runner: 'vpc',
        expect: ['value == "prod"'],
        options: { secret: false },
      }),
      registry,
      source(),
    );
    expect('check' in ok).toBe(true);
  });

  it('makes the item error with the reason where there is no queue (SQLite)', async () => {
    const outcome = await runCheck(prepared('ANY'), { baseDir: '.', env: {}, now });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain('runner: vpc needs the PostgreSQL store');
  });

  it('reports a variable the runner lacks as an error naming it', async () => {
    const check = prepared('${MISSING_ON_RUNNER}');
    const outcome = await runCheck(check, { baseDir: '.', env: {}, now, runners: runnerIn({}) });
    expect(outcome.status).toBe('error');
    expect(outcome.message).toContain('on the runner: ${MISSING_ON_RUNNER} is not set');
  });

  it.each([
    ['prod-vpc', true],
    ['eu_1', true],
    ['Prod', false],
    ['a b', false],
    ['x'.repeat(64), false],
  ])('accepts %s as a runner label: %s', (label, ok) => {
    expect('settings' in parseCheckSettings({ runner: label })).toBe(ok);
  });
});
