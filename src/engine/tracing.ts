import { type Attributes, ProxyTracerProvider, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import type { CheckOutcome } from '../model/state.js';
import { runDeferredTracingStart, tracingStartAhead } from './tracing-start.js';

/**
 * Spans through the OpenTelemetry API. Without a registered SDK (OTEL_EXPORTER_OTLP_ENDPOINT unset,
 * see app/tracing.ts) every call here is a no-op. Attributes never carry secrets: hosts come from the
 * kinds' per-host keys (`host:port`, no user, password, path or query), and no message or observed
 * value is ever recorded.
 */

/** Attribute names, in one place: OpenTelemetry semantic conventions where one exists, `gonogo.*` otherwise. */
export const ATTR = {
  environment: 'deployment.environment.name',
  checklist: 'gonogo.checklist.id',
  digest: 'gonogo.checklist.digest',
  trigger: 'gonogo.run.trigger',
  verdict: 'gonogo.verdict',
  item: 'gonogo.item.id',
  kind: 'gonogo.check.kind',
  status: 'gonogo.check.status',
  host: 'server.address',
  port: 'server.port',
} as const;

const tracer = () => trace.getTracer('gonogo');

/**
 * Whether spans are recorded: an SDK is registered (app/tracing.ts), or will be at the first span
 * (tracing-start.ts). Without one every span is a no-op, so a batch of thousands of checks may skip
 * building their spans' attributes (asked once per batch).
 */
export function tracingActive(): boolean {
  if (tracingStartAhead()) return true;
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegateTracer('gonogo') !== undefined;
}

/**
 * Run `fn` in an active span named `name`; the span ends when `fn` settles. A thrown error marks the span
 * as failed (without its message, which may quote a target) and is rethrown. The first span starts the
 * SDK if its start was deferred (tracing-start.ts).
 * @example await inSpan('gonogo.run', { [ATTR.checklist]: 'launch' }, async (span) => { ... });
 */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const starting = runDeferredTracingStart();
  if (starting) return starting.then(() => inSpan(name, attributes, fn));
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.name ?? 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** `host:port` (or `[v6]:port`) as `server.address` and `server.port`; anything else is left out. */
export function hostAttributes(host: string | undefined): Attributes {
  if (!host) return {};
  const m = /^(\[[0-9a-f:.]+\]|[\w.-]+)(?::(\d{1,5}))?$/i.exec(host);
  if (!m) return {};
  return { [ATTR.host]: m[1]!.replace(/^\[|\]$/g, ''), ...(m[2] ? { [ATTR.port]: Number(m[2]) } : {}) };
}

/** The attributes of a finished check: its status; `error` (it could not run) also marks the span. */
export function endCheckSpan(span: Span, outcome: Pick<CheckOutcome, 'status'>): void {
  span.setAttribute(ATTR.status, outcome.status);
  if (outcome.status === 'error') span.setStatus({ code: SpanStatusCode.ERROR });
}
