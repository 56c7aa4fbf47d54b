import { status, type ServiceError } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { KeyState, type DeviceRegistryClient } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { firstValueFrom, type Observable } from 'rxjs';
import { registryClient, startRegistry } from './registry-process.js';
import { deviceFields } from './test-device.js';

const settle = <T>(call: Observable<T>) =>
  firstValueFrom(call).then(
    (value) => ({ ok: true as const, value }),
    (error: ServiceError) => ({ ok: false as const, error }),
  );

let postgres: TestPostgres;
beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(() => postgres?.stop());

/** Two registry processes on one PostgreSQL database, as two replicas in a cluster. */
function twoReplicas(database: string, env: Record<string, string> = {}) {
  const replicas: ServiceProcess[] = [];
  const clients: GrpcClient<DeviceRegistryClient>[] = [];
  beforeAll(async () => {
    const url = await postgres.createDatabase(database);
    for (let i = 0; i < 2; i++) {
      replicas.push(await startRegistry({ STORAGE: 'postgres', DATABASE_URL: url, ...env }));
      clients.push(registryClient(replicas[i].grpcAddress));
    }
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
  });
  const api = (i: number) => clients[i].service;
  return {
    api,
    /** A device with one key, made through the first replica. */
    async deviceWithKey(id: string) {
      await firstValueFrom(
        api(0).createDevice({
          deviceId: id,
          sendVerificationEmail: false,
          device: { id: '', ...deviceFields(id) },
        }),
      );
      return firstValueFrom(api(0).issueDeviceKey({ deviceId: id, description: '' }));
    },
    /** Rotations of one key, sent to both replicas at once; then which handed-out keys verify. */
    async rotateOnBoth(deviceId: string, keyId: string, count: number) {
      const results = await Promise.all(
        Array.from({ length: count }, (_, i) => settle(api(i % 2).rotateDeviceKey({ deviceId, keyId }))),
      );
      const handedOut = results.flatMap((r) => (r.ok ? [r.value] : []));
      const verified = await Promise.all(
        handedOut.map(({ apiKey }) => settle(api(0).verifyDeviceKey({ apiKey }))),
      );
      const listed = await firstValueFrom(api(1).listDeviceKeys({ deviceId }));
      return {
        refusals: results.flatMap((r) => (r.ok ? [] : [r.error])),
        handedOut,
        working: handedOut.filter((_, i) => verified[i].ok).map(({ key }) => key!.keyId),
        active: listed.keys.filter((k) => k.state === KeyState.KEY_STATE_ACTIVE).map((k) => k.keyId),
      };
    },
  };
}

describe('concurrent rotations on two replicas, with the default grace period', () => {
  const registry = twoReplicas('rotations_grace');

  it('leave the old key working until one deadline and exactly one replacement working', async () => {
    const { key, apiKey } = await registry.deviceWithKey('raced-grace');

    const { refusals, handedOut, working, active } = await registry.rotateOnBoth(
      'raced-grace',
      key!.keyId,
      10,
    );

    expect(refusals).toEqual([]);
    expect(new Set(handedOut.map((r) => r.revokedKey?.expireTime?.seconds)).size).toBe(1);
    expect(working).toHaveLength(1);
    expect(active.sort()).toEqual([key!.keyId, working[0]].sort());
    await expect(firstValueFrom(registry.api(1).verifyDeviceKey({ apiKey }))).resolves.toMatchObject({
      keyId: key!.keyId,
    });
  });
});

describe('concurrent rotations on two replicas, without a grace period', () => {
  const registry = twoReplicas('rotations_at_once', { KEY_ROTATION_GRACE_MS: '0' });

  it('let one rotation win, refuse the others, and leave only the key handed out working', async () => {
    const { key, apiKey } = await registry.deviceWithKey('raced-now');

    const { refusals, handedOut, working, active } = await registry.rotateOnBoth('raced-now', key!.keyId, 10);

    expect(handedOut).toHaveLength(1);
    for (const refusal of refusals) {
      expect(refusal.code).toBe(status.FAILED_PRECONDITION);
      expect(decodeStatusDetails(refusal.metadata)?.errorInfo?.reason).toBe('DEVICE_KEY.REVOKED');
    }
    expect(working).toEqual([handedOut[0].key!.keyId]);
    expect(active).toEqual(working);
    expect((await settle(registry.api(1).verifyDeviceKey({ apiKey }))).ok).toBe(false);
  });

  it('refuse text PostgreSQL cannot store with INVALID_ARGUMENT naming the field, not INTERNAL', async () => {
    await registry.deviceWithKey('nul-check');
    const calls: [string, Observable<unknown>][] = [
      ['id', registry.api(0).getDevice({ id: 'a\u0000b' })],
      ['device_id', registry.api(0).listDeviceKeys({ deviceId: 'a\u0000b' })],
      ['key_id', registry.api(1).rotateDeviceKey({ deviceId: 'nul-check', keyId: 'a\u0000b' })],
      [
        'site',
        registry.api(1).listDevices({ pageSize: 0, pageToken: '', type: 0, site: '\u0000', status: 0 }),
      ],
    ];
    for (const [field, call] of calls) {
      const answer = await settle(call);
      const error = answer.ok ? undefined : answer.error;
      expect([field, error?.code]).toEqual([field, status.INVALID_ARGUMENT]);
      expect(decodeStatusDetails(error?.metadata)?.badRequest?.fieldViolations).toEqual([
        expect.objectContaining({ field, reason: 'FIELD.NUL_CHARACTER' }),
      ]);
    }
  });
});
