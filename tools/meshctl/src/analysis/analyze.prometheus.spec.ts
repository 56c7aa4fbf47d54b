import { createServer, type Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus, type ServerMethodDefinition } from '@grpc/grpc-js';
import { createMetricsRegistry, serverCallMetrics } from '@iot-mesh/platform';
import { Counter, Histogram, Registry } from 'prom-client';
import { eventually, startPrometheus, type PrometheusProcess } from '../../test/prometheus-process.js';
import { analyzeCanary } from './analyze.js';
import { PrometheusClient } from './prometheus-client.js';
import type { MetricSource, Track } from './query-scope.js';
import { DEFAULT_THRESHOLDS } from './verdict.js';

// A real Prometheus scrapes recorded traffic: each service track records its calls with the platform's
// own gRPC call metrics (real label values: grpc_type, grpc_code), the gateway's REST histogram and
// an Istio sidecar's request counter, so the analysis queries run against the series services export.

type CallType = 'unary' | 'server_stream' | 'bidi_stream';
const SHAPES = { unary: [false, false], server_stream: [false, true], bidi_stream: [true, true] } as const;
const SSE = '/api/v1/alerts/stream';
// Call durations in ms: SLOW and LONG are both far above the 500 ms p99 ceiling.
const [QUICK, SLOW, LONG] = [0, 1_200, 1_500];
const { OK, CANCELLED, INTERNAL } = GrpcStatus;

/** One service track as Prometheus scrapes it: its app's /metrics and its sidecar's. */
class RecordedTrack {
  readonly app: Registry;
  readonly sidecar = new Registry();
  private readonly startCall: ReturnType<typeof serverCallMetrics>;
  private readonly restSeconds: Histogram;
  private readonly istioRequests: Counter;

  constructor(
    readonly service: string,
    readonly track: Track,
  ) {
    this.app = createMetricsRegistry(service);
    this.startCall = serverCallMetrics(this.app);
    // As edge-gateway's request-metrics.ts defines it (app-metric-queries.spec checks that definition).
    this.restSeconds = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'REST requests',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.app],
    });
    this.istioRequests = new Counter({
      name: 'istio_requests_total',
      help: 'Istio standard metric',
      labelNames: [
        'reporter',
        'destination_workload',
        'destination_workload_namespace',
        'response_code',
        'grpc_response_status',
        'response_flags',
      ],
      registers: [this.sidecar],
    });
  }

  /** The gRPC calls and REST requests recorded so far, to tell when Prometheus has scraped them all. */
  async recordedCalls(): Promise<number> {
    const grpc = (await this.app.getSingleMetric('grpc_server_handled_total')?.get())?.values ?? [];
    const rest = (await this.restSeconds.get()).values.filter((v) => v.metricName?.endsWith('_count'));
    return [...grpc, ...rest].reduce((sum, { value }) => sum + value, 0);
  }

  get isCanary() {
    return this.track === 'canary';
  }

  /** A call timed and ended as the platform's server interceptor does. */
  async grpc(type: CallType, ms: number, code: GrpcStatus = OK): Promise<void> {
    const [requestStream, responseStream] = SHAPES[type];
    const method = { path: `/iotmesh.test.v1.Svc/${type}`, requestStream, responseStream };
    const end = this.startCall(method as ServerMethodDefinition<unknown, unknown>);
    if (ms > 0) await sleep(ms);
    end(code);
  }

  async rest(route: string, statusCode: number, ms: number): Promise<void> {
    const end = this.restSeconds.startTimer({ method: 'GET', route, status_code: String(statusCode) });
    if (ms > 0) await sleep(ms);
    end();
  }

  /**
   * A call as the destination sidecar counts it (Istio's stats filter: a client reset has no trailer,
   * so it is grpc_response_status 2, with Envoy's flag DR). No Istio here: this feeds the query only.
   */
  istio(grpcStatus: string, responseFlags: string) {
    this.istioRequests.inc({
      reporter: 'destination',
      destination_workload: `${this.service}-${this.track}`,
      destination_workload_namespace: this.service,
      response_code: '200',
      grpc_response_status: grpcStatus,
      response_flags: responseFlags,
    });
  }
}

const times = (n: number, call: () => Promise<void>) => Array.from({ length: n }, call);

/** What each service's tracks do every tick; the canary differs where the scenario says. */
const SCENARIOS: Record<string, (t: RecordedTrack, tick: number) => Promise<void>[]> = {
  'long-streams': (t, tick) => [
    ...times(3, () => t.grpc('unary', QUICK)),
    ...(tick % 4 === 0 ? [t.grpc('bidi_stream', LONG)] : []),
  ],
  'slow-unary': (t) => [
    t.grpc('unary', t.isCanary ? SLOW : QUICK),
    ...times(300, () => t.grpc('server_stream', QUICK)),
  ],
  'client-cancels': (t) => [
    ...times(3, () => t.grpc('unary', QUICK)),
    t.grpc('server_stream', QUICK, CANCELLED),
  ],
  'stream-internal': (t) => [
    ...times(3, () => t.grpc('unary', QUICK)),
    t.grpc('bidi_stream', QUICK, t.isCanary ? INTERNAL : OK),
  ],
  'streams-only': (t) => times(3, () => t.grpc('server_stream', QUICK)),
  'gateway-slow-rest': (t) => [
    t.grpc('unary', QUICK),
    ...times(2, () => t.rest('/api/v1/devices/:id', 200, t.isCanary ? SLOW : QUICK)),
  ],
  'gateway-sse': (t) => [
    t.grpc('unary', QUICK),
    ...times(2, () => t.rest('/api/v1/devices', 200, QUICK)),
    t.rest(SSE, 200, LONG),
  ],
  'gateway-rest-errors': (t) => [
    ...times(3, () => t.grpc('unary', QUICK)),
    t.rest('/api/v1/readings', t.isCanary ? 503 : 201, QUICK),
  ],
  'mesh-resets': (t) => {
    for (let i = 0; i < 3; i++) t.istio('0', '-');
    t.istio('2', 'DR');
    return times(3, () => t.grpc('unary', QUICK));
  },
};

const TICKS = 60;

describe('canary analysis of streaming services against a real Prometheus', () => {
  const tracks = Object.keys(SCENARIOS).flatMap((s) => [
    new RecordedTrack(s, 'stable'),
    new RecordedTrack(s, 'canary'),
  ]);
  let server: Server | undefined;
  let prometheus: PrometheusProcess | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  beforeAll(async () => {
    const registries = new Map(
      tracks.flatMap((t) => [
        [`/${t.service}/${t.track}/app`, t.app],
        [`/${t.service}/${t.track}/sidecar`, t.sidecar],
      ]),
    );
    server = createServer((request, response) => {
      const registry = registries.get(request.url ?? '');
      if (!registry) return void response.writeHead(404).end();
      void registry
        .metrics()
        .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    prometheus = await startPrometheus(
      [...registries.keys()].map((path) => ({
        job: path.slice(1).replaceAll('/', '-'),
        address,
        // As the pod's track label reaches every series of the pod in the cluster.
        labels: { __metrics_path__: path, track: path.split('/')[2] ?? '' },
      })),
    );
    await eventually(async () => {
      const up = await prometheus!.query('count(up == 1)');
      return up[0]?.value === registries.size ? true : JSON.stringify(up);
    });
    const pending: Promise<void>[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      for (const t of tracks) pending.push(...SCENARIOS[t.service](t, tick));
      await sleep(100);
    }
    await Promise.all(pending);
    // Until Prometheus has scraped the last call of every kind.
    const total = (await Promise.all(tracks.map((t) => t.recordedCalls()))).reduce((a, b) => a + b, 0);
    await eventually(async () => {
      const [scraped] = await prometheus!.query(
        'sum(grpc_server_handled_total) + sum(http_server_request_duration_seconds_count)',
      );
      return scraped?.value === total ? true : `${scraped?.value} of ${total}`;
    });
  }, 60_000);

  const analyze = (service: string, source: MetricSource = 'app') =>
    analyzeCanary(new PrometheusClient(prometheus?.url ?? ''), {
      service,
      namespace: service,
      source,
      window: '1m',
      thresholds: DEFAULT_THRESHOLDS,
    });

  it('passes healthy unary calls next to long streams: a stream is not a slow call', async () => {
    const result = await analyze('long-streams');
    expect([result.verdict, result.reasons]).toEqual(['pass', ['all checks passed']]);
    expect(result.canary.p99Ms).toBeLessThan(100);
  });

  it('fails slow unary calls that many quick streams would hide', async () => {
    const result = await analyze('slow-unary');
    expect(result.verdict).toBe('fail');
    expect(result.reasons).toEqual([expect.stringMatching(/^canary p99 \d+\.\d ms is above 500 ms$/)]);
  });

  it('does not fail a canary whose clients cancel their streams', async () => {
    const result = await analyze('client-cancels');
    expect([result.verdict, result.canary.successRate]).toEqual(['pass', 1]);
  });

  it('counts a stream ending in INTERNAL as a failure', async () => {
    const result = await analyze('stream-internal');
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/^canary success rate \d+\.\d\d% is below 99\.00%$/);
  });

  it('is no-data, never pass, when only streams were served: nothing says how fast it answers', async () => {
    const result = await analyze('streams-only');
    expect(result.verdict).toBe('no-data');
    expect(result.reasons[0]).toMatch(/^canary p99 rests on 0 unary gRPC or REST calls/);
  });

  it("times the gateway's REST requests but not its SSE subscriptions", async () => {
    const [slow, sse] = await Promise.all([analyze('gateway-slow-rest'), analyze('gateway-sse')]);
    expect(slow.verdict).toBe('fail');
    expect(slow.reasons).toEqual([expect.stringMatching(/^canary p99 .* is above 500 ms$/)]);
    expect([sse.verdict, sse.reasons]).toEqual(['pass', ['all checks passed']]);
  });

  it("counts the gateway's REST 5xx answers as failures", async () => {
    const result = await analyze('gateway-rest-errors');
    expect(result.verdict).toBe('fail');
    expect(result.reasons[0]).toMatch(/^canary success rate \d+\.\d\d% is below 99\.00%$/);
  });

  it('istio: leaves out calls the client reset, and takes latency from the app, saying so', async () => {
    const result = await analyze('mesh-resets', 'istio');
    expect([result.verdict, result.canary.successRate]).toEqual(['pass', 1]);
    expect(result.canary.p99Ms).toBeLessThan(100);
    expect(result.origins.successRate).toMatch(/^Istio sidecars/);
    expect(result.origins.p99Ms).toMatch(/grpc_server_handling_seconds/);
  });
});
