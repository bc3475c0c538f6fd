import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { inSpan, tracingActive } from './tracing.js';
import { deferTracingStart, runDeferredTracingStart, tracingStartAhead } from './tracing-start.js';

// The trace SDK's start deferred to the first span (app/main.ts hands it over when an OTLP endpoint is
// set): a command that makes no span never starts it; the first span starts it once, and is recorded.
// The SDK here is the real one, its spans kept in memory (test/tracing.test.ts exports them over OTLP).

afterEach(() => {
  trace.disable();
  context.disable();
});

/** A start that registers the SDK with an in-memory exporter, counting its calls. */
function deferredStart() {
  const exporter = new InMemorySpanExporter();
  const state = { starts: 0, exporter };
  deferTracingStart(async () => {
    state.starts++;
    // Loading the SDK takes a while: other spans may ask for it meanwhile.
    await new Promise((r) => setTimeout(r, 10));
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  return state;
}

describe('the deferred start of the trace SDK', () => {
  it('does not run until a span is made, and says spans will be recorded', async () => {
    const state = deferredStart();
    expect(state.starts).toBe(0);
    expect(tracingStartAhead()).toBe(true);
    expect(tracingActive()).toBe(true);
    // As a span takes it (by hand here), once.
    const starting = runDeferredTracingStart();
    expect(runDeferredTracingStart()).toBe(starting);
    await starting;
    expect(state.starts).toBe(1);
    expect(runDeferredTracingStart()).toBeUndefined();
  });

  it('runs once, before the first spans, which are recorded and nest', async () => {
    const state = deferredStart();
    const [a, b] = await Promise.all([
      inSpan('first', { n: 1 }, async () => inSpan('child', {}, async () => 'a')),
      inSpan('second', { n: 2 }, async () => 'b'),
    ]);
    expect([a, b]).toEqual(['a', 'b']);
    expect(state.starts).toBe(1);
    expect(tracingStartAhead()).toBe(false);
    expect(tracingActive()).toBe(true);
    await inSpan('later', {}, async () => undefined);
    expect(state.starts).toBe(1);
    const spans = state.exporter.getFinishedSpans();
    expect(spans.map((s) => s.name).sort()).toEqual(['child', 'first', 'later', 'second']);
    const first = spans.find((s) => s.name === 'first')!;
    const child = spans.find((s) => s.name === 'child')!;
    expect(child.parentSpanContext?.spanId).toBe(first.spanContext().spanId);
    expect(first.attributes).toEqual({ n: 1 });
  });

  it('fails the spans waiting for a start that fails', async () => {
    deferTracingStart(async () => {
      throw new Error('no SDK');
    });
    await expect(inSpan('x', {}, async () => 1)).rejects.toThrow('no SDK');
    expect(tracingStartAhead()).toBe(false);
    // Without an SDK, spans are no-ops again.
    expect(tracingActive()).toBe(false);
    await expect(inSpan('y', {}, async () => 2)).resolves.toBe(2);
  });
});
