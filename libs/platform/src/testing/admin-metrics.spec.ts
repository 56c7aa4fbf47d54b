import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Histogram, Registry } from 'prom-client';
import {
  histogramDelta,
  histogramQuantile,
  scrapeHistogram,
  type HistogramBuckets,
} from './admin-metrics.js';

const buckets = (pairs: Array<[number, number]>): HistogramBuckets =>
  pairs.map(([le, count]) => ({ le, count }));

describe('histogramQuantile', () => {
  // 10 observations up to 5 ms, 20 more up to 10 ms, 10 more up to 25 ms.
  const observed = buckets([
    [0.001, 0],
    [0.005, 10],
    [0.01, 30],
    [0.025, 40],
    [Infinity, 40],
  ]);

  it('interpolates within the bucket that holds the rank, as Prometheus does', () => {
    expect(histogramQuantile(observed, 0.5)).toBeCloseTo(0.0075, 10);
    expect(histogramQuantile(observed, 0.25)).toBeCloseTo(0.005, 10);
    expect(histogramQuantile(observed, 0.99)).toBeCloseTo(0.0244, 10);
    expect(histogramQuantile(observed, 0.1)).toBeCloseTo(0.0026, 10);
  });

  it('gives the highest finite bound when the rank falls in +Inf, and NaN when nothing was observed', () => {
    expect(
      histogramQuantile(
        buckets([
          [0.1, 5],
          [Infinity, 10],
        ]),
        0.9,
      ),
    ).toBe(0.1);
    expect(
      histogramQuantile(
        buckets([
          [0.1, 0],
          [Infinity, 0],
        ]),
        0.5,
      ),
    ).toBeNaN();
    expect(histogramQuantile([], 0.5)).toBeNaN();
  });
});

describe('histogramDelta', () => {
  it('keeps what was observed between two scrapes, bucket by bucket', () => {
    const before = buckets([
      [0.01, 3],
      [Infinity, 5],
    ]);
    const after = buckets([
      [0.01, 10],
      [Infinity, 20],
    ]);
    expect(histogramDelta(after, before)).toEqual(
      buckets([
        [0.01, 7],
        [Infinity, 15],
      ]),
    );
    expect(histogramDelta(after, [])).toEqual(after);
  });
});

describe('scrapeHistogram', () => {
  let server: Server;
  let adminUrl: string;
  const registry = new Registry();
  const histogram = new Histogram({
    name: 'call_seconds',
    help: 'test',
    labelNames: ['method', 'code'],
    buckets: [0.01, 0.1],
    registers: [registry],
  });

  beforeAll(async () => {
    server = createServer((_request, response) => {
      void registry.metrics().then((text) => response.end(text));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    adminUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("sums the buckets of the label sets that match, from a prom-client registry's text format", async () => {
    histogram.observe({ method: 'Ingest', code: 'OK' }, 0.005);
    histogram.observe({ method: 'Ingest', code: 'OK' }, 0.05);
    histogram.observe({ method: 'Ingest', code: 'Unavailable' }, 0.5);
    histogram.observe({ method: 'Other', code: 'OK' }, 0.005);

    expect(await scrapeHistogram(adminUrl, 'call_seconds', 'method="Ingest"')).toEqual(
      buckets([
        [0.01, 1],
        [0.1, 2],
        [Infinity, 3],
      ]),
    );
    expect(await scrapeHistogram(adminUrl, 'call_seconds')).toEqual(
      buckets([
        [0.01, 2],
        [0.1, 3],
        [Infinity, 4],
      ]),
    );
    expect(await scrapeHistogram(adminUrl, 'no_such_seconds')).toEqual([]);
  });
});
