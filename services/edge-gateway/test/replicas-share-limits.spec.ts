import { fileURLToPath } from 'node:url';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import { startTestRedis } from './redis-server.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));
// Three requests per client address, refilled too slowly to matter during the test.
const LIMITS = { RATE_LIMIT_IP_BURST: '3', RATE_LIMIT_IP_PER_SECOND: '0.01' };

/** A gateway process on its own ports; its downstreams are never called (the requests stop at auth). */
function startGateway(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    entry: ENTRY,
    env: { OPERATOR_TOKEN: 'replica-test-operator-token', ...LIMITS, ...env },
    pickPorts: ['GRPC_PORT', 'ADMIN_PORT', 'HTTP_PORT'],
  });
}

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

describe('gateway replicas and the client-address limit', () => {
  let redis: Awaited<ReturnType<typeof startTestRedis>>;
  const running: ServiceProcess[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const replicas = await Promise.all([startGateway(env), startGateway(env)]);
    running.push(...replicas);
    return replicas;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await Promise.all(running.map((gateway) => gateway.stop()));
    await redis?.stop();
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
});
