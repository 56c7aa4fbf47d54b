import { startScratchStack, UNLIMITED_RATES } from '@iot-mesh/local-stack';
import { runLoad, type LoadReport } from '@iot-mesh/loadgen';
import { hopLatencyRecorder, PIPELINE_HOPS, REST_READING_HOP, type HopLatency } from './hop-latency.js';
import { peakRssMiB, resetPeakRss } from './process-memory.js';

const OPERATOR_TOKEN = 'bench-operator-token';

export interface GatewayResults {
  /** The same requests at a light rate: the latency floor the 1,000/s figures stand on. */
  restLight: LoadReport;
  /**
   * The first seconds at `restRate`, unwarmed: V8 moves the request path's functions up to its
   * optimizing compiler all at once, about 10,000 requests in, which a 3 s warm-up does not reach.
   */
  restCold: LoadReport;
  restSingle: LoadReport;
  /**
   * The same load for longer, after (c): some services' RSS keeps growing for a minute or two at this
   * rate, past what (c') and (c) show (README, Benchmarks, round 30).
   */
  restLong: LoadReport;
  grpcStream: LoadReport;
  /** Each hop's calls and server handling time during (c) (the gateway's REST requests too) and during (d). */
  hops: { rest: HopLatency[]; stream: HopLatency[] };
  /** Peak RSS of every service, MiB: over all the runs, from (c') to (c'') (the target's load) and during (d). */
  peakRssMiB: {
    overall: Record<string, number>;
    rest: Record<string, number>;
    stream: Record<string, number>;
  };
}

export interface GatewayRuns {
  seconds: number;
  /** Before (c0), (c) and (d), at their rate, unreported. */
  warmupSeconds: number;
  restLightRate: number;
  restRate: number;
  /** How long (c') runs: long enough for the compiler's move (README, Benchmarks, round 30). */
  restColdSeconds: number;
  /** How long (c'') runs: long enough for the services' RSS to level off. */
  restLongSeconds: number;
  streamRate: number;
}

/**
 * (c) single readings over REST, first at a light rate (c0), then at `restRate` from cold (c'), warmed
 * up (c) and for longer (c''), and (d) 100-reading batches over gRPC streams, all through the gateway to the whole
 * pipeline (embedded SQLite), driven by the load generator at fixed offered rates; (c0), (c) and (d)
 * after a warm-up at the same rate.
 */
export async function gatewayEndToEnd(root: string, runs: GatewayRuns): Promise<GatewayResults> {
  const { seconds, warmupSeconds, restLightRate, restRate, restColdSeconds, restLongSeconds, streamRate } =
    runs;
  const scratch = await startScratchStack(root, OPERATOR_TOKEN, {
    // The benchmark measures the pipeline, not the limiter.
    ...UNLIMITED_RATES,
    // Heap flags for the services under test, e.g. "--max-old-space-size=128", to see RSS against throughput.
    ...(process.env['BENCH_SERVICE_NODE_OPTIONS']
      ? { NODE_OPTIONS: process.env['BENCH_SERVICE_NODE_OPTIONS'] }
      : {}),
  });
  const { stack } = scratch;
  const common = {
    httpBaseUrl: scratch.httpBaseUrl,
    operatorToken: OPERATOR_TOKEN,
    durationSeconds: seconds,
    // The same load first, unreported: the figures are the steady state, not the JITs warming up.
    warmupSeconds,
    outOfRangeFraction: 0.01,
  };
  const rest = { ...common, protocol: 'rest' as const, devices: 20, batchSize: 1 };
  // (c') and (c''): the target's rate with no warm-up of their own, each with its own fleet.
  const unwarmedAtRestRate = (durationSeconds: number, devicePrefix: string) =>
    runLoad({ ...rest, durationSeconds, warmupSeconds: 0, ratePerSecond: restRate, devicePrefix });
  const adminUrlOf = (name: string) =>
    `http://127.0.0.1:${stack.services.find((service) => service.name === name)?.adminPort}`;
  const restHops = hopLatencyRecorder(adminUrlOf, [REST_READING_HOP, ...PIPELINE_HOPS]);
  const streamHops = hopLatencyRecorder(adminUrlOf, PIPELINE_HOPS);
  try {
    const peaks = () => Object.fromEntries(stack.processes().map((p) => [p.name, peakRssMiB(p.pid)]));
    const startPeaks = () => stack.processes().forEach((p) => resetPeakRss(p.pid));
    const restLight = await runLoad({ ...rest, ratePerSecond: restLightRate, devicePrefix: 'bench-light' });
    const peakBeforeRest = peaks();
    startPeaks();
    const restCold = await unwarmedAtRestRate(restColdSeconds, 'bench-cold');
    const restSingle = await runLoad({
      ...rest,
      ratePerSecond: restRate,
      devicePrefix: 'bench-rest',
      onMeasurementStart: restHops.start,
    });
    const hopsDuringRest = await restHops.stop();
    const restLong = await unwarmedAtRestRate(restLongSeconds, 'bench-long');
    const peakRest = peaks();
    startPeaks();
    const grpcStream = await runLoad({
      ...common,
      protocol: 'grpc',
      grpcTarget: stack.address('edge-gateway'),
      devices: 20,
      batchSize: 100,
      ratePerSecond: streamRate,
      devicePrefix: 'bench-grpc',
      timeoutSeconds: 60,
      onMeasurementStart: streamHops.start,
    });
    const hopsDuringStream = await streamHops.stop();
    const peakStream = peaks();
    const overall = Object.fromEntries(
      Object.keys(peakStream).map((name) => [
        name,
        Math.max(peakBeforeRest[name] ?? 0, peakRest[name] ?? 0, peakStream[name] ?? 0),
      ]),
    );
    const peak = { overall, rest: peakRest, stream: peakStream };
    const hops = { rest: hopsDuringRest, stream: hopsDuringStream };
    return { restLight, restCold, restSingle, restLong, grpcStream, hops, peakRssMiB: peak };
  } finally {
    await scratch.close();
  }
}
