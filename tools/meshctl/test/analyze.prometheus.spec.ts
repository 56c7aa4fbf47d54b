import { setTimeout as sleep } from 'node:timers/promises';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { analyzeCanary } from '../src/analysis/analyze.js';
import { PrometheusClient } from '../src/analysis/prometheus-client.js';
import type { MetricSource } from '../src/analysis/query-scope.js';
import { DEFAULT_THRESHOLDS } from '../src/analysis/verdict.js';
import { RecordedTrack, scrapeTracks, type ScrapedTracks } from './recorded-traffic.js';

// Each service track records its calls as services do and a real Prometheus scrapes them, so the
// analysis queries run against the series the cluster's Prometheus holds (recorded-traffic.ts).

const SSE = '/api/v1/alerts/stream';
// Call durations in ms: SLOW and LONG are both far above the 500 ms p99 ceiling.
const [QUICK, SLOW, LONG] = [0, 1_200, 1_500];
const { CANCELLED, INTERNAL, OK } = GrpcStatus;

const times = (n: number, call: () => Promise<void>) => Array.from({ length: n }, call);

// Two versions of each track within the window: canary v2, rolled back for v3, and stable v0, which v1
// replaced at a promotion. v0 and v2 fail 1 call in 4.
const REPLACED = 'replaced-versions';
const FAILING_VERSIONS = ['v0', 'v2'];

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
  [REPLACED]: (t) => {
    const fails = FAILING_VERSIONS.includes(t.version);
    for (let i = 0; i < 3; i++) t.istio('0', '-');
    t.istio(fails ? '13' : '0', '-');
    return [...times(3, () => t.grpc('unary', QUICK)), t.grpc('unary', QUICK, fails ? INTERNAL : OK)];
  },
  'mesh-resets': (t) => {
    for (let i = 0; i < 3; i++) t.istio('0', '-');
    t.istio('2', 'DR');
    return times(3, () => t.grpc('unary', QUICK));
  },
};

const TICKS = 60;

describe('canary analysis of streaming services against a real Prometheus', () => {
  const tracks = [
    ...Object.keys(SCENARIOS).flatMap((s) => [
      new RecordedTrack(s, 'stable'),
      new RecordedTrack(s, 'canary'),
    ]),
    new RecordedTrack(REPLACED, 'stable', 'v0'),
    new RecordedTrack(REPLACED, 'canary', 'v3'),
  ];
  let scraped: ScrapedTracks | undefined;

  afterAll(() => scraped?.stop());

  beforeAll(async () => {
    scraped = await scrapeTracks(tracks);
    const pending: Promise<void>[] = [];
    for (let tick = 0; tick < TICKS; tick++) {
      for (const t of tracks) pending.push(...SCENARIOS[t.service](t, tick));
      await sleep(100);
    }
    await Promise.all(pending);
    await scraped.caughtUp();
  }, 60_000);

  const analyze = (
    service: string,
    source: MetricSource = 'app',
    versions = { canary: 'v2', stable: 'v1' },
  ) =>
    analyzeCanary(new PrometheusClient(scraped?.prometheus.url ?? ''), {
      service,
      namespace: service,
      source,
      window: '1m',
      versions,
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

  it.each(['app', 'istio'] as const)(
    '%s: takes each track by its version, so no calls of a replaced canary or stable count',
    async (source) => {
      const next = await analyze(REPLACED, source, { canary: 'v3', stable: 'v1' });
      expect([next.verdict, next.canary.successRate, next.stable.successRate]).toEqual(['pass', 1, 1]);
      const replaced = await analyze(REPLACED, source, { canary: 'v2', stable: 'v1' });
      expect(replaced.verdict).toBe('fail');
      expect(replaced.canary.successRate).toBeCloseTo(0.75, 2);
    },
  );
});
