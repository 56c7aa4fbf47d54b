import { formatAnalysis } from './analysis-format.js';
import { analyzeCanary } from './analyze.js';
import { PrometheusClient, type FetchLike } from './prometheus-client.js';
import { DEFAULT_THRESHOLDS } from './verdict.js';

const request = {
  service: 'device-registry',
  namespace: 'device-registry',
  source: 'app' as const,
  window: '1m',
  versions: { canary: 'v2', stable: 'v1' },
  thresholds: DEFAULT_THRESHOLDS,
};

/** A Prometheus answering by query text: the canary fails 10% of calls. */
const fakePrometheus: FetchLike = (url) => {
  const query = new URL(url).searchParams.get('query') ?? '';
  const canary = query.includes('track="canary"');
  const value = query.startsWith('1 - ') ? (canary ? 0.9 : 1) : query.startsWith('histogram') ? 'NaN' : 300;
  const result = [{ metric: {}, value: [0, String(value)] }];
  return Promise.resolve(Response.json({ status: 'success', data: { resultType: 'vector', result } }));
};

describe('analyzeCanary', () => {
  it('queries both tracks and fails the worse canary; NaN latency is treated as unknown', async () => {
    const result = await analyzeCanary(new PrometheusClient('http://prom:9090/', fakePrometheus), request);
    expect(result.canary).toEqual({ successRate: 0.9, requests: 300, timedCalls: 300 });
    expect(result.stable).toEqual({ successRate: 1, requests: 300, timedCalls: 300 });
    expect(result.verdict).toBe('fail');
  });

  it('fails a p99 beyond the largest bucket (+Inf) rather than treating it as unknown', async () => {
    const offScale: FetchLike = (url) => {
      const query = new URL(url).searchParams.get('query') ?? '';
      const value = query.startsWith('1 - ') ? '1' : query.startsWith('histogram') ? '+Inf' : '300';
      const result = [{ metric: {}, value: [0, value] }];
      return Promise.resolve(Response.json({ status: 'success', data: { resultType: 'vector', result } }));
    };
    const result = await analyzeCanary(new PrometheusClient('http://prom:9090', offScale), request);
    expect(result.canary.p99Ms).toBe(Infinity);
    expect(result.reasons).toEqual(['canary p99 over the largest histogram bucket is above 500 ms']);
    const text = formatAnalysis(result);
    expect(text).toMatch(/^canary +100\.00% +300 +off scale +300$/m);
    expect(text).toMatch(/^p99, timed: the service's unary gRPC calls .* streams left out$/m);
    expect(text).toMatch(/^success, requests: the service's own metrics .* \(Canceled\) left out$/m);
  });

  it('is no-data, never pass, when Prometheus cannot answer', async () => {
    const down: FetchLike = () => Promise.reject(new Error('ECONNREFUSED'));
    const result = await analyzeCanary(new PrometheusClient('http://prom:9090', down), request);
    expect(result.verdict).toBe('no-data');
    expect(result.reasons[0]).toMatch(/cannot reach Prometheus at http:\/\/prom:9090: ECONNREFUSED/);
  });

  it('reports a query Prometheus rejects', async () => {
    const bad: FetchLike = () =>
      Promise.resolve(Response.json({ status: 'error', error: 'parse error' }, { status: 400 }));
    const result = await analyzeCanary(new PrometheusClient('http://prom:9090', bad), request);
    expect(result).toMatchObject({ verdict: 'no-data', reasons: [expect.stringMatching(/parse error$/)] });
  });

  it('reports the HTTP status and the start of a body that is not JSON, not the query', async () => {
    const page = `<html><body>upstream connect error ${'x'.repeat(200)}</body></html>`;
    const proxy: FetchLike = () =>
      Promise.resolve(new Response(page, { status: 503, statusText: 'Service Unavailable' }));
    const result = await analyzeCanary(new PrometheusClient('http://prom:9090', proxy), request);
    expect(result.verdict).toBe('no-data');
    expect(result.reasons).toEqual([
      `Prometheus at http://prom:9090 answered HTTP 503 Service Unavailable: ${page.slice(0, 120)}...`,
    ]);
  });
});
