import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus, type ServerMethodDefinition } from '@grpc/grpc-js';
import { createMetricsRegistry, serverCallMetrics } from '@iot-mesh/platform';
import { Counter, Histogram, Registry } from 'prom-client';
import type { Track } from '../src/analysis/query-scope.js';
import { eventually, startPrometheus, type PrometheusProcess } from './prometheus-process.js';

// Traffic recorded with the series services export (the platform's own gRPC call metrics, with real
// grpc_type and grpc_code values; the gateway's REST histogram; an Istio sidecar's request counter) and
// scraped by a real Prometheus, so that queries run against what the cluster's Prometheus holds.

export type CallType = 'unary' | 'server_stream' | 'bidi_stream';
const SHAPES = { unary: [false, false], server_stream: [false, true], bidi_stream: [true, true] } as const;

/** One service track as Prometheus scrapes it: its app's /metrics and its sidecar's. */
export class RecordedTrack {
  readonly app: Registry;
  readonly sidecar = new Registry();
  private readonly startCall: ReturnType<typeof serverCallMetrics>;
  private readonly restSeconds: Histogram;
  private readonly istioRequests: Counter;

  constructor(
    readonly service: string,
    readonly track: Track,
    /** The image tag: the pods' version label, on every series as the cluster's scrapes copy it. */
    readonly version = track === 'canary' ? 'v2' : 'v1',
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
        'destination_version',
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
  async grpc(type: CallType, ms: number, code: GrpcStatus = GrpcStatus.OK): Promise<void> {
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
      destination_version: this.version,
      response_code: '200',
      grpc_response_status: grpcStatus,
      response_flags: responseFlags,
    });
  }
}

export interface ScrapedTracks {
  prometheus: PrometheusProcess;
  /** Waits until Prometheus has scraped every call the tracks have recorded so far. */
  caughtUp(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Serves each track's app and sidecar registries on loopback and starts a Prometheus scraping them, with
 * the `track` and `version` labels the pod's labels give every series in the cluster; resolves once every
 * target is up.
 */
export async function scrapeTracks(tracks: readonly RecordedTrack[]): Promise<ScrapedTracks> {
  const registries = new Map(
    tracks.flatMap((t) => [
      [`/${t.service}/${t.track}/${t.version}/app`, t.app],
      [`/${t.service}/${t.track}/${t.version}/sidecar`, t.sidecar],
    ]),
  );
  const server = createServer((request, response) => {
    const registry = registries.get(request.url ?? '');
    if (!registry) return void response.writeHead(404).end();
    void registry
      .metrics()
      .then((text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let prometheus: PrometheusProcess | undefined;
  const stop = async () => {
    await prometheus?.stop();
    await new Promise((resolve) => server.close(resolve));
  };
  try {
    const address = `127.0.0.1:${(server.address() as { port: number }).port}`;
    prometheus = await startPrometheus(
      [...registries.keys()].map((path) => ({
        job: path.slice(1).replaceAll('/', '-'),
        address,
        labels: {
          __metrics_path__: path,
          track: path.split('/')[2] ?? '',
          version: path.split('/')[3] ?? '',
        },
      })),
    );
    const up = prometheus;
    await eventually(async () => {
      const [targets] = await up.query('count(up == 1)');
      return targets?.value === registries.size ? true : `${targets?.value} of ${registries.size} targets up`;
    });
    return { prometheus: up, caughtUp: () => caughtUp(up, tracks), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function caughtUp(prometheus: PrometheusProcess, tracks: readonly RecordedTrack[]): Promise<void> {
  const total = (await Promise.all(tracks.map((t) => t.recordedCalls()))).reduce((a, b) => a + b, 0);
  await eventually(async () => {
    const [scraped] = await prometheus.query(
      'sum(grpc_server_handled_total) + sum(http_server_request_duration_seconds_count)',
    );
    return scraped?.value === total ? true : `${scraped?.value} of ${total} calls scraped`;
  });
}
