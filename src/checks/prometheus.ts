import * as z from 'zod';
import { CheckFailure, defineCheck } from '../engine/check.js';
import { displayUrl, httpExchange, originHostPort } from './support/http-client.js';
import { targetSchema } from './support/net.js';

/**
 * The base URL of a Prometheus server (a path prefix such as `/prometheus` is kept).
 * @example parsePrometheusUrl('http://prom:9090') // URL http://prom:9090/
 */
export function parsePrometheusUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CheckFailure(
      `"${text.trim()}" is not a URL; give Prometheus' base URL, e.g. http://prometheus:9090`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CheckFailure(
      `"${url.protocol}" is not supported; give Prometheus' http:// or https:// base URL`,
    );
  }
  return url;
}

/** The instant-query endpoint under a base URL, keeping any path prefix. */
function queryUrl(base: URL, query: string): URL {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  url.search = '';
  url.searchParams.set('query', query);
  return url;
}

// The HTTP API's response (https://prometheus.io/docs/prometheus/latest/querying/api/).
const samplePair = z.tuple([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());
const apiResponse = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.discriminatedUnion('resultType', [
      z.object({
        resultType: z.literal('vector'),
        result: z.array(
          z.object({ metric: labels, value: samplePair.optional(), histogram: z.unknown().optional() }),
        ),
      }),
      z.object({ resultType: z.literal('scalar'), result: samplePair }),
      z.object({ resultType: z.literal('string'), result: samplePair }),
      z.object({ resultType: z.literal('matrix'), result: z.array(z.object({ metric: labels })) }),
    ]),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

/** Prometheus writes special floats as `NaN`, `+Inf`, `-Inf`. */
function sampleValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** One series of an instant query result. */
interface Series {
  metric: Record<string, string>;
  value: number;
}

export default defineCheck({
  kind: 'prometheus',
  summary: 'Run an instant PromQL query and observe the first value and every returned series.',
  target: targetSchema(
    parsePrometheusUrl,
    'prometheus needs a target: the base URL, e.g. http://prometheus:9090',
  ),
  options: z.strictObject({
    query: z.string({ error: 'prometheus needs `query:` (PromQL), e.g. up{job="api"}' }).trim().min(1, {
      error: 'prometheus needs `query:` (PromQL), e.g. up{job="api"}',
    }),
    headers: z.record(z.string(), z.string()).optional(),
  }),
  variables: {
    value: { type: 'double', description: 'The value of the first series (or of a scalar result).' },
    series: {
      type: 'list<map<string, dyn>>',
      description: 'Every series: {"metric": {label: value}, "value": double}.',
    },
  },
  defaultExpect: ['value > 0'],
  hostKey: (base) => originHostPort(base),
  async run(base, options, ctx) {
    const url = queryUrl(base, options.query);
    const where = displayUrl(url);
    const res = await httpExchange(
      { method: 'GET', url, headers: { accept: 'application/json', ...options.headers } },
      ctx,
    );
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new CheckFailure(
        `${where} answered ${res.status} ${res.headers['content-type'] ?? 'without a content type'}, not the Prometheus API; is the base URL right?`,
      );
    }
    const parsed = apiResponse.safeParse(json);
    if (!parsed.success) {
      throw new CheckFailure(
        `${where} answered ${res.status} with JSON that is not a Prometheus query response; is the base URL right?`,
      );
    }
    const answer = parsed.data;
    if (answer.status === 'error') {
      throw new CheckFailure(`Prometheus rejected the query (${answer.errorType}): ${answer.error}`);
    }
    let series: Series[];
    switch (answer.data.resultType) {
      case 'vector': {
        const plain = answer.data.result.filter((s) => s.value);
        if (answer.data.result.length > 0 && plain.length === 0) {
          throw new CheckFailure(
            'the query returned native histograms, which have no single value; wrap it, e.g. histogram_count(...) or histogram_quantile(0.99, ...)',
          );
        }
        series = plain.map((s) => ({ metric: s.metric, value: sampleValue(s.value![1]) }));
        break;
      }
      case 'scalar':
        series = [{ metric: {}, value: sampleValue(answer.data.result[1]) }];
        break;
      case 'matrix':
        throw new CheckFailure(
          'the query returned a range vector (it ends in [duration]); wrap it in a function such as rate(...[5m]) or max_over_time(...[5m]) to get one value per series',
        );
      default:
        throw new CheckFailure('the query returned a string, not a number; conditions need a numeric result');
    }
    const first = series[0];
    if (!first) {
      throw new CheckFailure(
        `query returned no series: no data matches ${options.query}; check the metric name and labels in the Prometheus UI`,
        { series: [] },
      );
    }
    if (Number.isNaN(first.value)) {
      throw new CheckFailure(
        'the first series is NaN (e.g. a division by zero or a rate over no data); make the query return a number',
        { series },
      );
    }
    return { value: first.value, series };
  },
});
