import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import {
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { ConfigError } from '../config/config-error.js';
import { samplerFromEnv } from './trace-sampler.js';

let provider: TracerProvider | undefined;

/**
 * The service an entry script belongs to, `services/<name>/dist/main.js` (as the image, the local stack
 * and the tests start them): the directory is named as services/catalog.json and the service's own
 * default SERVICE_NAME name it. Undefined for any other script.
 */
export function serviceOfEntry(entry: string | undefined): string | undefined {
  return /(?:^|[\\/])services[\\/]([^\\/]+)[\\/]dist[\\/]main\.js$/.exec(entry ?? '')?.[1];
}

const envNumber = (env: NodeJS.ProcessEnv, name: string): number | undefined =>
  env[name] ? Number(env[name]) : undefined;

/**
 * The service's name, over the attributes OTEL_RESOURCE_ATTRIBUTES adds (the charts set
 * service.version and deployment.track there, so that a canary's spans can be told apart). The SDK's
 * detector reads the variable from process.env, with the specification's percent-decoding; a value it
 * cannot parse is dropped whole.
 */
const resourceOf = (serviceName: string): Resource =>
  detectResources({ detectors: [resourceAttributesEnvDetector] }).merge(
    resourceFromAttributes({ 'service.name': serviceName }),
  );

/** The OTLP exporter for the configured protocol, loaded only when spans are exported. */
async function otlpExporter(env: NodeJS.ProcessEnv): Promise<SpanExporter> {
  const variable =
    env['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'] === undefined
      ? 'OTEL_EXPORTER_OTLP_PROTOCOL'
      : 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL';
  const protocol = env[variable]?.trim() || 'http/protobuf';
  switch (protocol) {
    case 'grpc':
      return new (await import('@opentelemetry/exporter-trace-otlp-grpc')).OTLPTraceExporter();
    case 'http/json':
      return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
    case 'http/protobuf':
      return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
    default:
      // A ConfigError: the preload stops the service as a bad setting does (exit code 78).
      throw new ConfigError([
        `${variable}: unsupported protocol "${protocol}" (grpc, http/json, http/protobuf)`,
      ]);
  }
}

/**
 * Starts OpenTelemetry tracing: the tracer provider, the context manager and the propagators. Spans come
 * from the platform's gRPC server and client interceptors (grpc/server-observability.interceptor.ts,
 * client/client-tracing.interceptor.ts) and the gateway's REST hooks, which use what is set here; no
 * module is patched. Context travels in W3C traceparent
 * and in B3 (single and multi header), the headers Envoy sidecars read and write, so one trace spans
 * sidecars and services; sampling follows OTEL_TRACES_SAMPLER (see trace-sampler.ts), and the resource
 * takes OTEL_RESOURCE_ATTRIBUTES (from process.env, whatever `env` says). Spans are exported
 * over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise they only give logs their trace ids.
 * Built from the SDK's parts rather than NodeSDK, which loads metric and log exporters this platform
 * never uses (about 10 MiB of heap per service).
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (provider) return;
  const exportSpans = Boolean(
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  );
  const spanProcessors = exportSpans
    ? [
        new BatchSpanProcessor({
          exporter: await otlpExporter(env),
          maxQueueSize: envNumber(env, 'OTEL_BSP_MAX_QUEUE_SIZE'),
          scheduledDelayMillis: envNumber(env, 'OTEL_BSP_SCHEDULE_DELAY'),
          exportTimeoutMillis: envNumber(env, 'OTEL_BSP_EXPORT_TIMEOUT'),
          maxExportBatchSize: envNumber(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
        }),
      ]
    : [];
  provider = new TracerProvider({
    resource: resourceOf(serviceName),
    sampler: samplerFromEnv(env, exportSpans),
    spanProcessors,
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new B3Propagator(),
        new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
      ],
    }),
  );
  trace.setGlobalTracerProvider(provider);
}

/** Flushes pending spans; called as the last step of a graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const running = provider;
  provider = undefined;
  await running?.shutdown();
}
