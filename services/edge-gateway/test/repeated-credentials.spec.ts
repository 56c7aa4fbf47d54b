import { request } from 'node:http';
import { Metadata, status } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import { failure } from '@iot-mesh/platform/testing';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, OPERATOR_TOKEN } from './gateway-process.js';

// Node keeps the first of two Authorization headers and joins two x-api-key headers into one value, so
// the gateway would see one credential of the two. A request that sends either more than once is refused.

const OTHER_DEVICE_KEY = `imk_fedcba9876543210_${'o'.repeat(43)}`;
const reading = () => ({
  readingId: `r-${Date.now()}-${Math.random()}`,
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 21,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
});

describe('credentials sent more than once', () => {
  const world = gatewayOnStubs();
  let edge: GrpcClient<EdgeGatewayClient>;
  beforeAll(() => {
    world.stubs.answer('VerifyDeviceKey', ({ apiKey }: { apiKey: string }) => ({
      deviceId: apiKey === DEVICE_KEY ? 'dev-1' : 'dev-2',
      keyId: 'key-1',
      deviceStatus: 2,
    }));
    world.stubs.answer('IngestBatch', ({ readings }: { readings: unknown[] }) => ({
      result: { acceptedCount: readings.length, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
    edge = edgeClient(world.gateway);
  });
  afterAll(() => edge?.close());

  /** A REST request over HTTP/1.1 whose array-valued headers go out as one line per value; its status and reason. */
  function send(method: string, path: string, headers: Record<string, string | string[]>, body?: unknown) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise<[number, string]>((resolve, reject) => {
      const sent = request(
        {
          host: '127.0.0.1',
          port: world.gateway.ports['HTTP_PORT'],
          method,
          path,
          headers: { ...headers, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            const { error } = JSON.parse(text) as { error?: { reason: string } };
            resolve([response.statusCode ?? 0, error?.reason ?? '']);
          });
        },
      );
      sent.on('error', reject);
      sent.end(payload);
    });
  }

  const publish = (headers: Record<string, string | string[]>) =>
    send('POST', '/api/v1/readings', headers, reading());
  const asked = (method: string) => world.stubs.requests(method).length;

  it('are taken once each, as before', async () => {
    expect((await publish({ authorization: `Bearer ${DEVICE_KEY}` }))[0]).toBe(200);
    expect((await publish({ 'x-api-key': DEVICE_KEY, authorization: `Bearer ${DEVICE_KEY}` }))[0]).toBe(200);
    expect((await send('GET', '/api/v1/devices', { authorization: `Bearer ${OPERATOR_TOKEN}` }))[0]).toBe(
      200,
    );
  });

  it('over REST, two Authorization headers are refused, whichever credentials they carry', async () => {
    const [verified, listed] = [asked('VerifyDeviceKey'), asked('ListDevices')];
    const conflicting = [401, 'AUTH.CONFLICTING_KEYS'];
    for (const second of [OTHER_DEVICE_KEY, DEVICE_KEY, 'junk']) {
      expect(await publish({ authorization: [`Bearer ${DEVICE_KEY}`, `Bearer ${second}`] })).toEqual(
        conflicting,
      );
    }
    for (const pair of [
      [OPERATOR_TOKEN, 'junk'],
      ['junk', OPERATOR_TOKEN],
    ]) {
      const authorization = pair.map((token) => `Bearer ${token}`);
      expect(await send('GET', '/api/v1/devices', { authorization })).toEqual(conflicting);
      expect(await send('GET', '/status', { authorization })).toEqual(conflicting);
    }
    expect([asked('VerifyDeviceKey'), asked('ListDevices')]).toEqual([verified, listed]);
  });

  it('over REST, two x-api-key headers are refused alike, the same key twice too', async () => {
    const verified = asked('VerifyDeviceKey');
    for (const second of [OTHER_DEVICE_KEY, DEVICE_KEY]) {
      expect(await publish({ 'x-api-key': [DEVICE_KEY, second] })).toEqual([401, 'AUTH.CONFLICTING_KEYS']);
    }
    expect(asked('VerifyDeviceKey')).toBe(verified);
  });

  it('over gRPC, x-api-key metadata sent twice is refused the same way', async () => {
    const metadata = new Metadata();
    metadata.add('x-api-key', DEVICE_KEY);
    metadata.add('x-api-key', OTHER_DEVICE_KEY);
    const refused = await failure(edge.service.publishReading({ reading: undefined }, metadata));
    expect([refused.code, decodeStatusDetails(refused.metadata)?.errorInfo?.reason]).toEqual([
      status.UNAUTHENTICATED,
      'AUTH.CONFLICTING_KEYS',
    ]);
  });
});
