import { randomBytes } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { toGrpcError, UnauthenticatedError, type GrpcClient } from '@iot-mesh/platform';
import { failure, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, errorOf, OPERATOR_TOKEN, rest, startGateway } from './gateway-process.js';

// Each key the registry refuses cost it a scrypt run. A credential that cannot be a key must never
// reach it, and an address sending made-up keys must soon stop reaching it, while devices go on.

const madeUpKey = () => `imk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const reading = { readingId: 'r-1', sensorType: 'SENSOR_TYPE_TEMPERATURE', value: 21, unit: 'celsius' };
/** A second device, whose first request comes during the flood. */
const OTHER_DEVICE_KEY = `imk_fedcba9876543210_${'o'.repeat(43)}`;
/** A fleet's keys, all valid: devices behind one address (a NAT, an edge gateway). */
const fleetKey = (i: number) => `imk_f1ee7000000000${i.toString(16).padStart(2, '0')}_${'f'.repeat(43)}`;
const isFleetKey = (key: string) => /^imk_f1ee7000000000[0-9a-f]{2}_f{43}$/.test(key);

describe('invalid device keys', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', (request: { apiKey: string }) =>
      request.apiKey === DEVICE_KEY || request.apiKey === OTHER_DEVICE_KEY || isFleetKey(request.apiKey)
        ? {
            deviceId: request.apiKey === DEVICE_KEY ? 'dev-1' : request.apiKey,
            keyId: 'key-1',
            deviceStatus: 2,
          }
        : toGrpcError(new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key')),
    );
    stubs.answer('IngestBatch', ({ readings }: { readings: unknown[] }) => ({
      result: { acceptedCount: readings.length, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
    gateway = await startGateway({
      ...stubs.env,
      RATE_LIMIT_AUTH_FAILURES_BURST: '3',
      RATE_LIMIT_AUTH_FAILURES_PER_SECOND: '0.01',
      TRUST_FORWARDED_FOR: 'true',
    });
    edge = edgeClient(gateway);
  });
  afterAll(async () => {
    edge?.close();
    await gateway?.stop();
    await stubs?.stop();
  });

  const verifications = () => stubs.requests('VerifyDeviceKey').length;
  const publish = (apiKey: string, client: string) =>
    rest(gateway, 'POST', '/api/v1/readings', {
      headers: { authorization: '', 'x-api-key': apiKey, 'x-forwarded-for': client },
      body: { ...reading, timestamp: new Date().toISOString() },
    });

  it('refuses a credential that is not key-shaped without asking the registry', async () => {
    const before = verifications();
    const refused = await Promise.all(
      ['garbage-1-2', 'imk_0123', `${DEVICE_KEY}x`].map((key) => publish(key, '198.51.100.1')),
    );
    expect(refused.map((answer) => [answer.status, errorOf(answer).reason])).toEqual(
      Array(3).fill([401, 'AUTH.INVALID_KEY']),
    );
    // The operator token sent to a device route is not sent on either.
    const operator = await rest(gateway, 'POST', '/api/v1/readings', {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'x-forwarded-for': '198.51.100.1' },
      body: { ...reading, timestamp: new Date().toISOString() },
    });
    expect(operator.status).toBe(401);
    const metadata = new Metadata();
    metadata.set('x-api-key', 'not-a-key');
    expect((await failure(edge.service.publishReading({ reading: undefined }, metadata))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect(verifications()).toBe(before);
  });

  it('stops asking the registry for the keys of an address that sent too many bad ones, and serves devices on', async () => {
    // A device behind the flooding address, verified (and cached) before the flood.
    expect((await publish(DEVICE_KEY, '198.51.100.2')).status).toBe(200);
    const before = verifications();
    const flood: number[] = [];
    for (let i = 0; i < 10; i++) flood.push((await publish(madeUpKey(), '198.51.100.2')).status);
    // The budget of three refusals; the fourth finds it spent and starts the lockout: no more registry calls.
    expect(flood).toEqual([401, 401, 401, 401, 429, 429, 429, 429, 429, 429]);
    expect(verifications() - before).toBe(4);
    const limited = await publish(madeUpKey(), '198.51.100.2');
    expect(errorOf(limited)).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      reason: 'RATE_LIMIT.AUTH_FAILURES',
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const metadata = new Metadata();
    metadata.set('x-api-key', madeUpKey());
    metadata.set('x-forwarded-for', '198.51.100.2');
    expect((await failure(edge.service.publishReading({ reading: undefined }, metadata))).code).toBe(
      status.RESOURCE_EXHAUSTED,
    );
    expect(verifications() - before).toBe(4);

    // The cached device behind that address, and a new device elsewhere, are served.
    expect((await publish(DEVICE_KEY, '198.51.100.2')).status).toBe(200);
    expect((await publish(OTHER_DEVICE_KEY, '198.51.100.3')).status).toBe(200);
  });

  it('charges only refusals: a fleet of new devices behind one address all get in at once', async () => {
    const statuses = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => (await publish(fleetKey(i), '198.51.100.4')).status),
    );
    expect(statuses).toEqual(Array(40).fill(200));
    // Made-up keys arriving together reach the registry until their refusals have spent the address's
    // budget (those already on their way may overdraw it): each 401 was a verification, each 429 none,
    // and the address is locked out after them.
    const before = verifications();
    const flood = await Promise.all(
      Array.from({ length: 10 }, async () => (await publish(madeUpKey(), '198.51.100.4')).status),
    );
    const refused = flood.filter((code) => code === 401).length;
    expect(flood.filter((code) => code !== 401 && code !== 429)).toEqual([]);
    expect(refused).toBeGreaterThanOrEqual(3);
    expect(verifications() - before).toBe(refused);
    expect((await publish(madeUpKey(), '198.51.100.4')).status).toBe(429);
    expect(verifications() - before).toBe(refused);
  });
});
