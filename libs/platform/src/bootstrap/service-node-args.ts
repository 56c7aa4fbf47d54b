/**
 * V8 heap settings every service starts with, locally, in tests and in the container image. Node 24
 * lets the young generation grow to 2 × 64 MiB under load, which was the largest part of a busy
 * service's resident memory; capped at 2 × 16 MiB, the benchmarks ran as fast (README, Benchmarks).
 */
export const SERVICE_HEAP_ARGS: readonly string[] = ['--max-semi-space-size=16'];

/** The OpenTelemetry preload: it must run before any instrumented module is imported. */
export const TRACING_PRELOAD_ARGS: readonly string[] = ['--import', '@iot-mesh/platform/tracing'];

/** The Node arguments before a service's entry file. */
export const SERVICE_NODE_ARGS: readonly string[] = [...SERVICE_HEAP_ARGS, ...TRACING_PRELOAD_ARGS];
