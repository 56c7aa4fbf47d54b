import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { B3InjectEncoding, B3Propagator } from '@opentelemetry/propagator-b3';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor } from '@opentelemetry/sdk-trace';

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry with gRPC and HTTP instrumentation. Context travels in W3C traceparent and
 * in B3 (single and multi header), the headers Envoy sidecars read and write, so one trace spans
 * sidecars and services. Spans are exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set
 * (protocol from OTEL_EXPORTER_OTLP_PROTOCOL); otherwise they only give logs their trace ids.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  // Metrics go through prom-client and logs through pino; the SDK's own OTLP exporters for them would
  // only retry against a collector that may not exist (and hold up shutdown doing so).
  env['OTEL_METRICS_EXPORTER'] ??= 'none';
  env['OTEL_LOGS_EXPORTER'] ??= 'none';
  const exportSpans = Boolean(
    env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'],
  );
  sdk = new NodeSDK({
    serviceName,
    autoDetectResources: false,
    textMapPropagator: new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new B3Propagator(),
        new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER }),
      ],
    }),
    instrumentations: [new GrpcInstrumentation(), new HttpInstrumentation()],
    // Without an endpoint the SDK would default to exporting to localhost; record ids only.
    ...(exportSpans ? {} : { spanProcessors: [new NoopSpanProcessor()] }),
  });
  sdk.start();
}

/** Flushes pending spans; called as the last step of a graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}
