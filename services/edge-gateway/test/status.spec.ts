import { createConnection, createServer, type Socket } from 'node:net';
import { toGrpcError, UnauthenticatedError } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, OPERATOR_TOKEN, startGateway, type RestAnswer } from './gateway-process.js';

// /status is public: it says which services serve, counts against the client address like the API,
// and tells internal addresses to operators only. Its health checks reuse their connections.

interface Relay {
  port: number;
  /** Connections made through it so far. */
  connections(): number;
  /** Closes it and every connection through it, as if the service went away. */
  cut(): void;
}

/** A TCP relay to `target` that counts the connections made through it. */
async function countingRelay(target: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    const upstream = createConnection(target, '127.0.0.1');
    for (const [one, other] of [
      [socket, upstream],
      [upstream, socket],
    ] as const) {
      sockets.add(one);
      one.pipe(other);
      one.on('error', () => other.destroy());
      one.on('close', () => {
        sockets.delete(one);
        other.destroy();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    connections: () => connections,
    cut: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

describe('GET /status', () => {
  let stubs: DownstreamStubs;
  let relay: Relay;
  let gateway: ServiceProcess;
  let relayed: string;

  beforeAll(async () => {
    stubs = await startDownstreamStubs({ serving: true });
    stubs.answer('VerifyDeviceKey', (request: { apiKey: string }) =>
      request.apiKey === DEVICE_KEY
        ? { deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }
        : toGrpcError(new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key')),
    );
    const stubPort = Number(stubs.env['DEVICE_REGISTRY_ADDRESS'].split(':')[1]);
    relay = await countingRelay(stubPort);
    relayed = `127.0.0.1:${relay.port}`;
    const env = Object.fromEntries(Object.keys(stubs.env).map((name) => [name, relayed]));
    // Six requests per client address; the forwarded address picks the bucket.
    gateway = await startGateway({
      ...env,
      RATE_LIMIT_IP_BURST: '6',
      RATE_LIMIT_IP_PER_SECOND: '0.01',
      TRUST_FORWARDED_FOR: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    relay?.cut();
    await stubs?.stop();
  });

  /** /status as asked from `client` (through the trusted proxy), with no credentials unless given. */
  const statusFrom = async (client: string, headers: Record<string, string> = {}): Promise<RestAnswer> => {
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/status`, {
      headers: { 'x-forwarded-for': client, ...headers },
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it('tells anyone the states and no address, and operators the addresses too', async () => {
    const anyone = await statusFrom('203.0.113.1');
    expect(anyone.status).toBe(200);
    expect(anyone.body).toEqual({
      status: 'SERVING',
      services: [
        'device-registry',
        'sensor-ingestion',
        'data-processor',
        'alert-manager',
        'notification',
      ].map((service) => ({ service, status: 'SERVING' })),
      rateLimits: { backend: 'memory', status: 'SERVING' },
    });
    const operator = await statusFrom('203.0.113.1', { authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect(operator.status).toBe(200);
    expect((operator.body as { services: { address: string }[] }).services.map((s) => s.address)).toEqual(
      Array(5).fill(relayed),
    );
  });

  it('refuses a wrong operator token, and a device key as one', async () => {
    const wrong = await statusFrom('203.0.113.2', { authorization: 'Bearer not-the-operator-token' });
    expect([wrong.status, errorOf(wrong).reason]).toEqual([401, 'AUTH.INVALID_TOKEN']);
    const device = await statusFrom('203.0.113.2', { authorization: `Bearer ${DEVICE_KEY}` });
    expect([device.status, errorOf(device).reason]).toEqual([403, 'AUTH.OPERATOR_ONLY']);
  });

  it('counts against the client address like the API', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await statusFrom('203.0.113.3')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const refused = await statusFrom('203.0.113.3');
    expect(errorOf(refused)).toMatchObject({ status: 'RESOURCE_EXHAUSTED', reason: 'RATE_LIMIT.EXCEEDED' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another address has its own bucket.
    expect((await statusFrom('203.0.113.4')).status).toBe(200);
  });

  it('checks health over connections it keeps, not new ones per request', async () => {
    await statusFrom('203.0.113.5');
    const before = relay.connections();
    for (let i = 0; i < 5; i++) expect((await statusFrom('203.0.113.5')).status).toBe(200);
    expect(relay.connections()).toBe(before);
  });

  it('says which service is down, to anyone, still without its address', async () => {
    relay.cut();
    const down = await statusFrom('203.0.113.6');
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: 'DEGRADED' });
    expect(
      (down.body as { services: { status: string }[] }).services.every((s) => s.status === 'UNREACHABLE'),
    ).toBe(true);
    expect(JSON.stringify(down.body)).not.toContain('127.0.0.1');
  });
});
