import { status, type ServiceError } from '@grpc/grpc-js';
import { timestampFromMillis, type GrpcClient } from '@iot-mesh/platform';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { eventually } from '@iot-mesh/platform/testing';
import { printFigures } from '../src/figures-table.js';
import { gatewayRest, registerDevice, type GatewayRest, type RestCaller } from '../src/gateway-rest.js';
import { apiKeyMetadata, deviceClient } from '../src/grpc-clients.js';
import { startMeshStack, type MeshStack } from '../src/mesh-stack.js';

const now = Date.now();
const restReading = (id: string, deviceId = '') => ({
  readingId: id,
  ...(deviceId ? { deviceId } : {}),
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 21.5,
  unit: 'celsius',
  timestamp: new Date(now).toISOString(),
});
const grpcReading = (id: string, deviceId = '') => ({
  readingId: id,
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: timestampFromMillis(now),
  customSensor: '',
});

const ROTATION_GRACE_MS = 3_000;

describe('access: nobody without a valid key of their own gets in, and keys never reach the logs', () => {
  let stack: MeshStack;
  let rest: GatewayRest;
  let edge: GrpcClient<EdgeGatewayClient>;
  const issuedKeys: string[] = [];
  let refusals = 0;

  beforeAll(async () => {
    // A short auth cache and rotation grace period so revocation and rotation take effect within the test.
    stack = await startMeshStack({
      envFor: {
        'edge-gateway': { AUTH_CACHE_TTL_MS: '300' },
        'device-registry': { KEY_ROTATION_GRACE_MS: String(ROTATION_GRACE_MS) },
      },
    });
    rest = gatewayRest(() => stack.httpBaseUrl(), stack.operatorToken);
    edge = deviceClient(stack.address('edge-gateway'), stack.clientTls);
  }, 120_000);
  afterAll(async () => {
    edge?.close();
    await stack?.stop();
  });

  const restStatus = async (as: RestCaller, body: unknown) =>
    (await rest('POST', '/api/v1/readings', { as, body })).status;
  const grpcCode = async (apiKey: string | undefined, reading: ReturnType<typeof grpcReading>) => {
    try {
      await firstValueFrom(
        edge.service.publishReading({ reading }, apiKey === undefined ? undefined : apiKeyMetadata(apiKey)),
      );
      return status.OK;
    } catch (error) {
      return (error as ServiceError).code;
    }
  };
  const refused = <T>(value: T) => {
    refusals++;
    return value;
  };

  it('refuses missing, malformed and operator-shaped credentials over REST and gRPC', async () => {
    const key = await registerDevice(rest, 'access-a');
    issuedKeys.push(key);
    expect(await restStatus('nobody', restReading('n1'))).toBe(refused(401));
    for (const malformed of ['imk_garbage', 'imk_', `imk_${'x'.repeat(4096)}`, 'Bearer', key.slice(0, -1)]) {
      expect(await restStatus({ apiKey: malformed }, restReading('n2'))).toBe(refused(401));
      expect(await grpcCode(malformed, grpcReading('n2'))).toBe(refused(status.UNAUTHENTICATED));
    }
    expect(await grpcCode(undefined, grpcReading('n3'))).toBe(refused(status.UNAUTHENTICATED));
    // A device key is not an operator credential (the device is known, and may not: 403), and the
    // operator token is not a device key.
    expect((await rest('GET', '/api/v1/devices', { as: { bearer: key } })).status).toBe(refused(403));
    expect(await grpcCode(stack.operatorToken, grpcReading('n4'))).toBe(refused(status.UNAUTHENTICATED));
    // The genuine key works, so the refusals above are about the credentials.
    expect(await restStatus({ apiKey: key }, restReading('ok-1'))).toBe(200);
    expect(await grpcCode(key, grpcReading('ok-2'))).toBe(status.OK);
  });

  it("refuses one device's key publishing for another device", async () => {
    const keyB = await registerDevice(rest, 'access-b');
    issuedKeys.push(keyB);
    expect(await restStatus({ apiKey: keyB }, restReading('f1', 'access-a'))).toBe(refused(403));
    expect(await grpcCode(keyB, grpcReading('f2', 'access-a'))).toBe(refused(status.PERMISSION_DENIED));
    const aggregates = await rest(
      'GET',
      '/api/v1/aggregates?deviceId=access-a&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_HOUR',
      {
        as: { apiKey: keyB },
      },
    );
    expect(aggregates.status).toBe(refused(403));
  });

  it('refuses a revoked key and a rotated-away key past its grace period, and accepts the rotated-in one', async () => {
    const revoked = (await rest('POST', '/api/v1/devices/access-a/keys', { body: {} })).json as {
      apiKey: string;
      key: { keyId: string };
    };
    issuedKeys.push(revoked.apiKey);
    expect(await restStatus({ apiKey: revoked.apiKey }, restReading('r0'))).toBe(200);
    const revoke = await rest('POST', `/api/v1/devices/access-a/keys/${revoked.key.keyId}/revoke`);
    expect(revoke.status).toBe(200);
    await eventually(
      async () =>
        (await restStatus({ apiKey: revoked.apiKey }, restReading('r1'))) === 401 ? true : undefined,
      'the revoked key to be refused over REST',
    );
    expect(await grpcCode(revoked.apiKey, grpcReading('r2'))).toBe(refused(status.UNAUTHENTICATED));

    const old = (await rest('POST', '/api/v1/devices/access-a/keys', { body: {} })).json as {
      apiKey: string;
      key: { keyId: string };
    };
    const rotated = await rest('POST', `/api/v1/devices/access-a/keys/${old.key.keyId}/rotate`);
    expect(rotated.status).toBe(200);
    const { apiKey: fresh, revokedKey } = rotated.json as {
      apiKey: string;
      revokedKey: { expireTime: string };
    };
    issuedKeys.push(old.apiKey, fresh);
    // Until its grace period ends the old key still works, so a device is never without a key.
    expect(Date.parse(revokedKey.expireTime)).toBeGreaterThan(Date.now());
    expect(await restStatus({ apiKey: old.apiKey }, restReading('o0'))).toBe(200);
    await eventually(
      async () =>
        (await grpcCode(old.apiKey, grpcReading('o1'))) === status.UNAUTHENTICATED ? true : undefined,
      'the rotated-away key to be refused over gRPC',
    );
    expect(await restStatus({ apiKey: old.apiKey }, restReading('o2'))).toBe(refused(401));
    expect(await grpcCode(fresh, grpcReading('o3'))).toBe(status.OK);
  });

  it('never writes an API key into any service log', () => {
    const output = stack.capturedOutput();
    // The services did log (so an empty capture cannot pass this by accident).
    expect(output).toContain('"msg":"serving"');
    expect(issuedKeys.length).toBeGreaterThanOrEqual(5);
    const leaked = issuedKeys.filter((key) => output.includes(key));
    expect(leaked).toEqual([]);
    printFigures('access (plaintext stack):', [
      ['refusals checked', refusals],
      ['keys issued and searched for', issuedKeys.length],
      ['log bytes searched', output.length],
      ['keys found in logs', leaked.length],
    ]);
  });
});
