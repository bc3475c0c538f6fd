import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CheckDefinition } from '../engine/check.js';
import prometheus from './prometheus.js';
import { binaryAvailable } from './test-support/binaries.js';
import { firstFalse, typeErrors } from './test-support/cel.js';
import { checkContext, failure } from './test-support/context.js';
import { docExampleProblems } from './test-support/doc-examples.js';
import { PROMETHEUS, type RunningPrometheus, startPrometheus } from './test-support/prometheus.js';
import { closedPort, type Running, startHttpServer } from './test-support/servers.js';

const def = prometheus as CheckDefinition<unknown, unknown>;

function observe(target: string, options: Record<string, unknown>, ctx = checkContext()) {
  return prometheus.run(prometheus.target.parse(target), prometheus.options.parse(options), ctx);
}

describe('prometheus target and options', () => {
  test('query is required, with an example', () => {
    const missing = prometheus.options.safeParse({});
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.message).toBe('prometheus needs `query:` (PromQL), e.g. up{job="api"}');
    expect(prometheus.options.safeParse({ query: 'up', step: '1m' }).success).toBe(false);
  });

  test('the target is an http(s) base URL', () => {
    expect(prometheus.target.safeParse('prometheus:9090').success).toBe(false);
    const base = prometheus.target.parse(' http://prom.internal:9090/prometheus ');
    expect(base).toBeInstanceOf(URL);
    expect(base.href).toBe('http://prom.internal:9090/prometheus');
    expect(prometheus.hostKey?.(base, { query: 'up' })).toBe('prom.internal:9090');
  });

  test('the examples in docs/checks/prometheus.md are valid checks', async () => {
    expect(await docExampleProblems(def)).toEqual([]);
  });

  test('default and typical conditions use only declared variables', () => {
    expect(
      typeErrors(def, [
        ...prometheus.defaultExpect,
        'value == 1.0',
        'value < 0.01',
        'series.size() == 3',
        'series.all(s, s.value == 1.0)',
        'series[0].metric.job == "api"',
      ]),
    ).toEqual([]);
    expect(typeErrors(def, ['result > 0'])).toHaveLength(1);
  });
});

describe('prometheus when the target is not Prometheus', () => {
  let web: Running;
  beforeAll(async () => {
    web = await startHttpServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>not here</h1>');
    });
  });
  afterAll(() => web.close());

  test('an HTML page is an error asking whether the base URL is right', async () => {
    const err = await failure(observe(web.url, { query: 'up' }));
    expect(err.message).toBe(
      `${web.url}/api/v1/query answered 404 text/html, not the Prometheus API; is the base URL right?`,
    );
  });

  test('nothing listening is an error', async () => {
    const port = await closedPort();
    const err = await failure(observe(`http://127.0.0.1:${port}`, { query: 'up' }));
    expect(err.message).toBe(
      `connect ECONNREFUSED 127.0.0.1:${port}: nothing listens there; is the service up?`,
    );
  });
});

const havePrometheus = await binaryAvailable(PROMETHEUS, 'prometheus');

describe.skipIf(!havePrometheus)('prometheus against a real Prometheus scraping itself', () => {
  let prom: RunningPrometheus;
  beforeAll(async () => {
    prom = await startPrometheus();
  });
  afterAll(() => prom?.stop());

  test('up is 1: value, series with labels, and the default passes', async () => {
    const observed = await observe(prom.url, { query: 'up{job="prometheus"}' });
    expect(observed.value).toBe(1);
    expect(observed.series).toEqual([
      {
        metric: { __name__: 'up', instance: new URL(prom.url).host, job: 'prometheus' },
        value: 1,
      },
    ]);
    expect(firstFalse(def, prometheus.defaultExpect, observed)).toBeUndefined();
    expect(firstFalse(def, ['series[0].metric.job == "prometheus"'], observed)).toBeUndefined();
  });

  test('a value that breaks the condition fails (not an error)', async () => {
    const observed = await observe(prom.url, { query: 'up - 1' });
    expect(observed.value).toBe(0);
    expect(firstFalse(def, prometheus.defaultExpect, observed)).toBe('value > 0');
  });

  test('a scalar result is one series without labels', async () => {
    const observed = await observe(`${prom.url}/`, { query: 'scalar(up) * 3' });
    expect(observed).toEqual({ value: 3, series: [{ metric: {}, value: 3 }] });
  });

  test('a query matching no series is an error with an empty series list', async () => {
    const err = await failure(observe(prom.url, { query: 'up{job="no-such-job"}' }));
    expect(err.message).toBe(
      'query returned no series: no data matches up{job="no-such-job"}; check the metric name and labels in the Prometheus UI',
    );
    expect(err.partial).toEqual({ series: [] });
    expect(firstFalse(def, ['series.size() == 0'], err.partial)).toBeUndefined();
  });

  test("bad PromQL is an error carrying Prometheus' own message", async () => {
    const err = await failure(observe(prom.url, { query: 'sum(rate(up[5' }));
    expect(err.message).toMatch(
      /^Prometheus rejected the query \(bad_data\): invalid parameter "query": 1:\d+: parse error: /,
    );
  });

  test('NaN is an error, not a number to compare', async () => {
    const err = await failure(observe(prom.url, { query: '0/0' }));
    expect(err.message).toMatch(/^the first series is NaN/);
  });

  test('a range vector is an error telling how to make it one value', async () => {
    const err = await failure(observe(prom.url, { query: 'up[1m]' }));
    expect(err.message).toMatch(/^the query returned a range vector .*rate\(/);
  });
});
