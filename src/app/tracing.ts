import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';

/** A registered tracer provider: `shutdown()` flushes the spans still queued and stops exporting. */
export interface Tracing {
  shutdown(): Promise<void>;
}

/** The CI/CD semantic-convention attributes of the pipeline running gonogo (GitHub Actions, GitLab CI). */
function ciAttributes(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const pick = (name: string | undefined, run: string | undefined) => ({
    ...(name ? { 'cicd.pipeline.name': name } : {}),
    ...(run ? { 'cicd.pipeline.run.id': run } : {}),
  });
  if (env.GITHUB_ACTIONS === 'true') return pick(env.GITHUB_WORKFLOW, env.GITHUB_RUN_ID);
  if (env.GITLAB_CI === 'true') return pick(env.CI_PIPELINE_NAME ?? env.CI_PROJECT_PATH, env.CI_PIPELINE_ID);
  return {};
}

/**
 * Register the OpenTelemetry trace SDK with an OTLP/HTTP (JSON) exporter. The exporter reads the standard
 * `OTEL_EXPORTER_OTLP_*` variables itself (endpoint, headers, timeout); `OTEL_SERVICE_NAME` and
 * `OTEL_RESOURCE_ATTRIBUTES` name the service (default `gonogo`). Context flows through async calls, so a
 * run's check spans are its children, and a preflight's run is the preflight's child.
 * @example const tracing = startTracing(); ... await tracing.shutdown();
 */
export function startTracing(env: Readonly<Record<string, string | undefined>> = process.env): Tracing {
  const detected = detectResources({ detectors: [envDetector] });
  const resource = resourceFromAttributes({ 'service.name': 'gonogo', ...ciAttributes(env) }).merge(detected);
  const provider = new BasicTracerProvider({
    resource,
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      // An unreachable collector must not hold the exit up (or fail the command): spans are best effort.
      await Promise.race([
        provider.shutdown().catch(() => {}),
        new Promise<void>((r) => setTimeout(r, 5000).unref()),
      ]);
    },
  };
}
