/**
 * The V8 heap settings of the services off the readings' path (device registry, notification), the
 * same locally, in tests and in the container image. Node 24
 * lets the young generation grow to 2 × 64 MiB under load, and the old generation grow to up to four
 * times what survived the last full collection: together most of a busy service's resident memory.
 * A young generation of 2 × 8 MiB and old-generation growth of 1.5× took 20–60 MiB off the busy services'
 * peaks under REST load at the same CPU, for about a tenth of the streaming capacity at saturation
 * (README, Benchmarks); growth of 1.25× cost a fifth of it.
 */
export const SERVICE_HEAP_ARGS: readonly string[] = ['--max-semi-space-size=8', '--heap-growing-percent=50'];

/**
 * The heap settings of the four services every reading passes through (gateway, ingestion, processor,
 * alert manager): a young generation of 2 × 4 MiB and old-generation growth of 1.3×. With the shared
 * settings, two more minutes of the 1,000/s REST load took the alert manager to 158–160 MiB and
 * ingestion and the processor to 143–146, over the 150 MB target; with these, 135, 123 and 136, streaming
 * still at 59,929 of 60,000 readings/s offered (README, Benchmarks, round 30). The gateway has had them
 * since its peak under that load was 150–151 MiB with the shared ones (132–133 with these).
 */
export const READINGS_PATH_HEAP_ARGS: readonly string[] = [
  '--max-semi-space-size=4',
  '--heap-growing-percent=30',
];

const HEAP_ARGS_BY_SERVICE: Readonly<Record<string, readonly string[]>> = {
  'edge-gateway': READINGS_PATH_HEAP_ARGS,
  'sensor-ingestion': READINGS_PATH_HEAP_ARGS,
  'data-processor': READINGS_PATH_HEAP_ARGS,
  'alert-manager': READINGS_PATH_HEAP_ARGS,
};

/** The heap settings a service (named as in services/catalog.json) starts with. */
export const serviceHeapArgs = (service: string): readonly string[] =>
  HEAP_ARGS_BY_SERVICE[service] ?? SERVICE_HEAP_ARGS;

/**
 * V8's optimizing compilers (Maglev, TurboFan) work on the service's own thread, not on background
 * threads. Compile jobs that waited on a background queue held their memory meanwhile, and much of it
 * stayed resident: compiling in place, the alert manager's, processor's, ingestion's and gateway's
 * peaks under the 1,000/s REST load were 10-25 MiB lower, with no more CPU per streamed reading and
 * perhaps a tenth more per unary call, within the noise (README, Benchmarks). Turning Maglev off saved
 * as much but cost a fifth more CPU per call.
 */
export const SERVICE_JIT_ARGS: readonly string[] = ['--no-concurrent-recompilation'];

/**
 * No allocation-site pretenuring: V8 otherwise starts allocating a site's objects straight in the old
 * generation once enough of them survived, and a gRPC call's object allocated there kept what it
 * pointed to (the rest of the call) alive through the young collections, dead or not, until a full
 * collection. Measured on a bare grpc-js server under these heap settings, in 5 s: 1.1 MB promoted of
 * every 6.4 MB young collection and 19-26 full collections, with pretenuring or with Node's HTTP/2
 * stream Maps (http2-stream-tables) or both; with neither, nothing promoted and 2 (README, Benchmarks,
 * round 28).
 */
export const SERVICE_GC_ARGS: readonly string[] = ['--no-allocation-site-pretenuring'];

/** Every V8 setting a service starts with: heap, collector and compilers. */
export const serviceV8Args = (service: string): string[] => [
  ...serviceHeapArgs(service),
  ...SERVICE_GC_ARGS,
  ...SERVICE_JIT_ARGS,
];

/** The lean-startup preload: it must run before the service's modules load, whether traced or not. */
export const LEAN_STARTUP_PRELOAD_ARGS: readonly string[] = ['--import', '@iot-mesh/platform/lean-startup'];

/** The OpenTelemetry preload: it must run before the service's first call is traced. */
export const TRACING_PRELOAD_ARGS: readonly string[] = ['--import', '@iot-mesh/platform/tracing'];

/** The Node arguments before a service's entry file, as the image runs them (from the app's root). */
export const serviceNodeArgs = (service: string): string[] => [
  ...serviceV8Args(service),
  ...LEAN_STARTUP_PRELOAD_ARGS,
  ...TRACING_PRELOAD_ARGS,
];

// The built preloads of this package (what its "./lean-startup" and "./tracing" exports name), found
// from this file, which sits in src/bootstrap or dist/bootstrap: the tests run from the sources, the
// services from dist.
const builtPreload = (path: string) => ['--import', new URL(`../../dist/${path}`, import.meta.url).href];
const BUILT_LEAN_STARTUP_ARGS = builtPreload('bootstrap/lean-startup.preload.js');
const BUILT_TRACING_ARGS = builtPreload('observability/tracing.preload.js');

/**
 * serviceNodeArgs with the preloads as absolute URLs, for services started by the local stack and
 * the tests: `--import` resolves a package name from the working directory, which may be anywhere.
 */
export function localServiceNodeArgs(service: string, tracing = true): string[] {
  return [...serviceV8Args(service), ...BUILT_LEAN_STARTUP_ARGS, ...(tracing ? BUILT_TRACING_ARGS : [])];
}
