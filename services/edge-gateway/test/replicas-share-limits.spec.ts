import { get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { eventually, freePort, scrapeMetricSum, type ServiceProcess } from '@iot-mesh/platform/testing';
import { startGateway, THREE_REQUESTS_PER_ADDRESS } from './gateway-process.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

/** Statuses of unauthenticated requests sent to the replicas in turn: each counts against the client address. */
async function statusesAlternating(replicas: ServiceProcess[], requests: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < requests; i++) {
    const replica = replicas[i % replicas.length];
    const response = await fetch(`http://127.0.0.1:${replica.ports['HTTP_PORT']}/api/v1/devices`);
    statuses.push(response.status);
  }
  return statuses;
}

type RateLimitsStatus = { backend: string; status: string };

/**
 * What a replica's /status says of its rate-limit backend. /status counts against the client address
 * like the API, so it is asked from an address of its own (127.0.0.2), whose bucket the requests of
 * the test leave alone.
 */
function rateLimitsStatus(replica: ServiceProcess): Promise<RateLimitsStatus> {
  return new Promise((resolve, reject) => {
    const request = get(
      { host: '127.0.0.1', port: replica.ports['HTTP_PORT'], path: '/status', localAddress: '127.0.0.2' },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve((JSON.parse(text) as { rateLimits: RateLimitsStatus }).rateLimits));
      },
    );
    request.on('error', reject);
  });
}

const OUTAGE_BEGAN =
  'rate-limit backend unreachable: each gateway replica enforces the limits on its own until it is back';
const OUTAGE_ENDED = 'rate-limit backend reachable again: the limits are shared again';

type OutageReport = { began: number; ended: number; decidedAlone: number };

/** Per replica: the outage lines it logged, and the decisions it counted as taken without Redis. */
async function outageReport(replicas: ServiceProcess[]): Promise<OutageReport[]> {
  return Promise.all(
    replicas.map(async (replica) => ({
      began: replica.logs.filter((line) => line.msg === OUTAGE_BEGAN).length,
      ended: replica.logs.filter((line) => line.msg === OUTAGE_ENDED).length,
      decidedAlone: await scrapeMetricSum(replica.adminUrl, 'edge_gateway_rate_limit_backend_errors_total'),
    })),
  );
}

/**
 * Expects the outage report to say `expected`, giving it up to 5 s: a replica's log lines reach the
 * test through its stdout, which may be behind the answers and metrics it already gave.
 */
async function expectOutageReport(replicas: ServiceProcess[], expected: OutageReport[]) {
  const until = Date.now() + 5_000;
  let report = await outageReport(replicas);
  while (!isDeepStrictEqual(report, expected) && Date.now() < until) {
    await sleep(100);
    report = await outageReport(replicas);
  }
  expect(report).toEqual(expected);
}

describe('gateway replicas and the client-address limit', () => {
  let redis: TestRedis;
  const running: ServiceProcess[] = [];
  const servers: TestRedis[] = [];
  const start = async (env: Record<string, string> = {}) => {
    // Their downstreams are never called: the requests stop at auth.
    const replicas = await Promise.all([
      startGateway({ ...THREE_REQUESTS_PER_ADDRESS, ...env }),
      startGateway({ ...THREE_REQUESTS_PER_ADDRESS, ...env }),
    ]);
    running.push(...replicas);
    return replicas;
  };
  const startRedis = async (port?: number) => {
    const server = await startTestRedis(port);
    servers.push(server);
    return server;
  };
  // Polled from the metrics, which no rate limit applies to.
  const backendsServing = async (replicas: ServiceProcess[]) =>
    (
      await Promise.all(
        replicas.map((replica) => scrapeMetricSum(replica.adminUrl, 'edge_gateway_rate_limit_backend_up')),
      )
    ).every((up) => up === 1)
      ? true
      : undefined;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await Promise.all(running.map((gateway) => gateway.stop()));
    await Promise.all(servers.map((server) => server.stop()));
  });

  it('draw from one bucket when REDIS_URL is set', async () => {
    const replicas = await start({ REDIS_URL: redis.url });
    expect(replicas[0].logs.find((l) => l.msg === 'serving')).toMatchObject({ rateLimits: 'redis' });
    // Two requests to one replica and one to the other use up the three; the fourth is refused.
    expect(await statusesAlternating(replicas, 4)).toEqual([401, 401, 401, 429]);
  });

  it('each keep their own bucket without Redis', async () => {
    const replicas = await start();
    expect(replicas[0].logs.find((l) => l.msg === 'serving')).toMatchObject({ rateLimits: 'memory' });
    expect(await statusesAlternating(replicas, 6)).toEqual([401, 401, 401, 401, 401, 401]);
    expect(await statusesAlternating(replicas, 2)).toEqual([429, 429]);
  });

  it('each limit on their own while Redis is down, say so once, and share one bucket again once it is back', async () => {
    const outage = await startRedis();
    const replicas = await start({ REDIS_URL: outage.url });
    expect(await statusesAlternating(replicas, 4)).toEqual([401, 401, 401, 429]);

    await outage.stop();
    // Answered, and still limited: three requests per replica, each counted by the replica alone.
    expect(await statusesAlternating(replicas, 8)).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    await expectOutageReport(replicas, [
      { began: 1, ended: 0, decidedAlone: 4 },
      { began: 1, ended: 0, decidedAlone: 4 },
    ]);
    expect(await rateLimitsStatus(replicas[0])).toMatchObject({ backend: 'redis', status: 'DEGRADED' });

    await outage.restart();
    await eventually(() => backendsServing(replicas), 'both replicas to reach Redis again');
    // The restarted Redis is empty: one fresh bucket of three for both replicas.
    expect(await statusesAlternating(replicas, 4)).toEqual([401, 401, 401, 429]);
    // The first replica's one more: the /status request, counted against its address like any other.
    await expectOutageReport(replicas, [
      { began: 1, ended: 1, decidedAlone: 5 },
      { began: 1, ended: 1, decidedAlone: 4 },
    ]);
  });

  it('each limit on their own when REDIS_URL names no server yet, and share one bucket once it is there', async () => {
    const port = await freePort();
    const replicas = await start({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(replicas[0].logs.find((l) => l.msg === 'serving')).toMatchObject({ rateLimits: 'redis' });
    expect(await statusesAlternating(replicas, 8)).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    await expectOutageReport(replicas, [
      { began: 1, ended: 0, decidedAlone: 4 },
      { began: 1, ended: 0, decidedAlone: 4 },
    ]);
    expect(await rateLimitsStatus(replicas[1])).toMatchObject({ backend: 'redis', status: 'DEGRADED' });

    await startRedis(port);
    await eventually(() => backendsServing(replicas), 'both replicas to reach Redis');
    expect(await statusesAlternating(replicas, 4)).toEqual([401, 401, 401, 429]);
  });
});
