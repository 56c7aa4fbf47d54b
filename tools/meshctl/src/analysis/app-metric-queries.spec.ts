import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerMethodDefinition } from '@grpc/grpc-js';
import { serverCallMetrics } from '@iot-mesh/platform';
import { Registry } from 'prom-client';
import { REPO_ROOT } from '../release/validation.js';
import { appLatencyQueries } from './app-metric-queries.js';

// The p99 sums the gateway's REST histogram with the platform's gRPC one and leaves out its SSE route;
// both rest on how the gateway defines them, which meshctl cannot import (a tool imports no service).
const HTTP_DIR = join(REPO_ROOT, 'services/edge-gateway/src/http');
const read = (file: string) => readFileSync(join(HTTP_DIR, file), 'utf8');

async function grpcBucketBounds(): Promise<number[]> {
  const registry = new Registry();
  const unary = { path: '/p.S/M', requestStream: false, responseStream: false };
  serverCallMetrics(registry)(unary as ServerMethodDefinition<unknown, unknown>)(0);
  const metrics = await registry.getMetricsAsJSON();
  const histogram = metrics.find((m) => m.name === 'grpc_server_handling_seconds');
  const bounds = (histogram?.values ?? []).map((v) => v.labels['le']);
  return bounds.filter((le) => le !== undefined && le !== '+Inf').map(Number);
}

describe("app latency queries against the gateway's REST histogram", () => {
  const definition = read('request-metrics.ts');

  it('sum two histograms with the same buckets, so their `le` labels line up', async () => {
    const restBuckets = /buckets: \[([^\]]*)\]/.exec(definition)?.[1]?.split(',').map(Number);
    expect(restBuckets).toEqual(await grpcBucketBounds());
  });

  it('filter on labels the REST histogram has', () => {
    expect(definition).toMatch(/labelNames: \['method', 'route', 'status_code'\]/);
    expect(definition).toContain("name: 'http_server_request_duration_seconds'");
  });

  it('leave out the one route whose response is a stream the client ends', () => {
    const users = readdirSync(HTTP_DIR).filter(
      (f) =>
        !f.endsWith('.spec.ts') && f !== 'request-metrics.ts' && read(f).includes('CLIENT_ENDED_STREAM)'),
    );
    expect(users).toEqual(['alerts.http.controller.ts']);
    const controller = read('alerts.http.controller.ts');
    expect(controller).toContain("@Controller('api/v1/alerts')");
    expect(controller).toMatch(/@Get\('stream'\)\s*@RouteConfig\(CLIENT_ENDED_STREAM\)/);
    const scope = {
      service: 'edge-gateway',
      namespace: 'edge-gateway',
      track: 'canary',
      window: '1m',
    } as const;
    expect(appLatencyQueries(scope).p99Ms).toContain('route!="/api/v1/alerts/stream"');
  });
});
