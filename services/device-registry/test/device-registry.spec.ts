import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  DeviceStatus,
  KeyState,
  type Device,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom, type Observable } from 'rxjs';
import { registryClient, startRegistry } from './registry-process.js';

const newDevice = (name: string, changes: Partial<Device> = {}): Device => ({
  id: '',
  name,
  type: SensorType.SENSOR_TYPE_TEMPERATURE,
  customType: '',
  location: { site: 'plant-1', zone: 'boiler', latitude: 52.5, longitude: 13.4 },
  ownerEmail: 'ops@example.com',
  status: DeviceStatus.DEVICE_STATUS_ACTIVE,
  labels: { floor: '2' },
  ...changes,
});

async function failure<T>(call: Observable<T>): Promise<ServiceError> {
  try {
    await firstValueFrom(call);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

describe('device registry over gRPC', () => {
  let dataDir: string;
  let registry: ServiceProcess;
  let client: GrpcClient<DeviceRegistryClient>;
  const api = () => client.service;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'registry-'));
    registry = await startRegistry({ DATA_DIR: dataDir });
    client = registryClient(registry.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await registry.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('registers, reads and lists devices with filters and page tokens', async () => {
    const created = await firstValueFrom(
      api().createDevice({ device: newDevice('Boiler'), deviceId: 'boiler-1', sendVerificationEmail: false }),
    );
    expect(created.device).toMatchObject({
      id: 'boiler-1',
      name: 'Boiler',
      status: DeviceStatus.DEVICE_STATUS_ACTIVE,
      labels: { floor: '2' },
    });
    expect(created.device?.createTime?.seconds).toBeGreaterThan(0);
    const generated = await firstValueFrom(
      api().createDevice({
        device: newDevice('Hygrometer', { type: SensorType.SENSOR_TYPE_HUMIDITY, status: 0 }),
        deviceId: '',
        sendVerificationEmail: false,
      }),
    );
    expect(generated.device?.id).toMatch(/^dev-[0-9a-f]{12}$/);
    expect(generated.device?.status).toBe(DeviceStatus.DEVICE_STATUS_PROVISIONING);

    await expect(firstValueFrom(api().getDevice({ id: 'boiler-1' }))).resolves.toMatchObject({
      device: { name: 'Boiler' },
    });
    const humid = await firstValueFrom(
      api().listDevices({
        pageSize: 0,
        pageToken: '',
        type: SensorType.SENSOR_TYPE_HUMIDITY,
        site: '',
        status: 0,
      }),
    );
    expect(humid.devices.map((d) => d.name)).toEqual(['Hygrometer']);

    for (let i = 0; i < 5; i++) {
      await firstValueFrom(
        api().createDevice({
          device: newDevice(`Bulk ${i}`),
          deviceId: `bulk-${i}`,
          sendVerificationEmail: false,
        }),
      );
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await firstValueFrom(
        api().listDevices({ pageSize: 3, pageToken, type: 0, site: 'plant-1', status: 0 }),
      );
      seen.push(...page.devices.map((d) => d.id));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    // A token belongs to its filters: sent back with another site it is refused, not followed.
    const first = await firstValueFrom(
      api().listDevices({ pageSize: 3, pageToken: '', type: 0, site: 'plant-1', status: 0 }),
    );
    const elsewhere = await failure(
      api().listDevices({ pageSize: 3, pageToken: first.nextPageToken, type: 0, site: 'plant-2', status: 0 }),
    );
    expect(elsewhere.code).toBe(status.INVALID_ARGUMENT);
  });

  it('rejects invalid devices with every field violation, and stores nothing', async () => {
    const error = await failure(
      api().createDevice({
        device: newDevice('', { ownerEmail: 'nope', type: 99 as SensorType }),
        deviceId: 'Bad Id',
        sendVerificationEmail: false,
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    const fields = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => v.field);
    expect(fields).toEqual(['device_id', 'name', 'type', 'owner_email']);
    const missing = await failure(api().createDevice({ deviceId: 'no-body', sendVerificationEmail: false }));
    expect(missing.code).toBe(status.INVALID_ARGUMENT);
    expect((await failure(api().getDevice({ id: 'no-body' }))).code).toBe(status.NOT_FOUND);
  });

  it('counts characters, not UTF-16 units, and takes a name that shows nothing for a blank one', async () => {
    const violations = async (name: string) => {
      const error = await failure(
        api().createDevice({ device: newDevice(name), deviceId: '', sendVerificationEmail: false }),
      );
      return decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => [v.field, v.reason]);
    };
    // 100 characters, 200 UTF-16 units: as long as the gateway and the OpenAPI document allow.
    const emoji = await firstValueFrom(
      api().createDevice({ device: newDevice('🌡'.repeat(100)), deviceId: '', sendVerificationEmail: false }),
    );
    expect(emoji.device?.name).toBe('🌡'.repeat(100));
    await expect(violations('🌡'.repeat(101))).resolves.toEqual([['name', 'FIELD.TOO_LONG']]);
    // A right-to-left override and a zero-width space show nothing.
    await expect(violations('\u202e\u200b')).resolves.toEqual([['name', 'FIELD.REQUIRED']]);
  });

  it('names device_id when a key method gets an empty one', async () => {
    const calls = [
      api().issueDeviceKey({ deviceId: '', description: '' }),
      api().listDeviceKeys({ deviceId: '' }),
      api().rotateDeviceKey({ deviceId: '', keyId: 'abc' }),
      api().revokeDeviceKey({ deviceId: '', keyId: 'abc' }),
    ];
    for (const call of calls) {
      const error = await failure<unknown>(call);
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      const fields = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations.map((v) => v.field);
      expect(fields).toEqual(['device_id']);
    }
  });

  it('answers ALREADY_EXISTS, NOT_FOUND and bad page tokens with the right codes', async () => {
    await firstValueFrom(
      api().createDevice({ device: newDevice('Twin'), deviceId: 'twin-1', sendVerificationEmail: false }),
    );
    const twin = await failure(
      api().createDevice({
        device: newDevice('Twin again'),
        deviceId: 'twin-1',
        sendVerificationEmail: false,
      }),
    );
    expect(twin.code).toBe(status.ALREADY_EXISTS);
    expect((await failure(api().getDevice({ id: 'nope-404' }))).code).toBe(status.NOT_FOUND);
    expect((await failure(api().getDevice({ id: '' }))).code).toBe(status.INVALID_ARGUMENT);
    const badToken = await failure(
      api().listDevices({ pageSize: 10, pageToken: 'forged', type: 0, site: '', status: 0 }),
    );
    expect(badToken.code).toBe(status.INVALID_ARGUMENT);
    const badSize = await failure(
      api().listDevices({ pageSize: -5, pageToken: '', type: 0, site: '', status: 0 }),
    );
    expect(badSize.code).toBe(status.INVALID_ARGUMENT);
  });

  it('updates only the fields named in the mask', async () => {
    await firstValueFrom(
      api().createDevice({ device: newDevice('Before'), deviceId: 'upd-1', sendVerificationEmail: false }),
    );
    const updated = await firstValueFrom(
      api().updateDevice({
        device: newDevice('After', { id: 'upd-1', ownerEmail: 'ignored@example.com' }),
        updateMask: ['name'],
      }),
    );
    expect(updated.device).toMatchObject({ name: 'After', ownerEmail: 'ops@example.com' });
    const noMask = await failure(
      api().updateDevice({ device: newDevice('x', { id: 'upd-1' }), updateMask: [] }),
    );
    const unknownPath = await failure(
      api().updateDevice({ device: newDevice('x', { id: 'upd-1' }), updateMask: ['id'] }),
    );
    const badValue = await failure(
      api().updateDevice({ device: newDevice('', { id: 'upd-1' }), updateMask: ['name'] }),
    );
    expect([noMask.code, unknownPath.code, badValue.code]).toEqual([
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
    ]);
    await expect(firstValueFrom(api().getDevice({ id: 'upd-1' }))).resolves.toMatchObject({
      device: { name: 'After' },
    });
  });

  it('issues keys shown once, verifies them, and refuses rotated, revoked and forged keys', async () => {
    await firstValueFrom(
      api().createDevice({ device: newDevice('Keyed'), deviceId: 'keyed-1', sendVerificationEmail: false }),
    );
    const issued = await firstValueFrom(
      api().issueDeviceKey({ deviceId: 'keyed-1', description: 'field unit' }),
    );
    expect(issued.apiKey).toMatch(/^imk_/);
    // A key's description is checked as a device's free text is: length and control characters.
    for (const description of ['a\u0007b', 'x'.repeat(201)]) {
      const refused = await failure(api().issueDeviceKey({ deviceId: 'keyed-1', description }));
      expect(refused.code).toBe(status.INVALID_ARGUMENT);
    }
    await expect(firstValueFrom(api().verifyDeviceKey({ apiKey: issued.apiKey }))).resolves.toEqual({
      deviceId: 'keyed-1',
      keyId: issued.key!.keyId,
      deviceStatus: DeviceStatus.DEVICE_STATUS_ACTIVE,
    });
    const listed = await firstValueFrom(api().listDeviceKeys({ deviceId: 'keyed-1' }));
    expect(JSON.stringify(listed)).not.toContain(issued.apiKey.slice(21));

    const rotatedAt = Date.now();
    const rotated = await firstValueFrom(
      api().rotateDeviceKey({ deviceId: 'keyed-1', keyId: issued.key!.keyId }),
    );
    // The old key works on for the default grace period of an hour, and says until when.
    expect(rotated.revokedKey?.state).toBe(KeyState.KEY_STATE_ACTIVE);
    const deadline = rotated.revokedKey?.expireTime?.seconds ?? 0;
    expect(deadline * 1000).toBeGreaterThanOrEqual(rotatedAt + 3_600_000 - 1_000);
    expect(deadline * 1000).toBeLessThanOrEqual(Date.now() + 3_600_000);
    await expect(firstValueFrom(api().verifyDeviceKey({ apiKey: issued.apiKey }))).resolves.toMatchObject({
      keyId: issued.key!.keyId,
      expireTime: { seconds: deadline },
    });
    await expect(firstValueFrom(api().verifyDeviceKey({ apiKey: rotated.apiKey }))).resolves.toEqual({
      deviceId: 'keyed-1',
      keyId: rotated.key!.keyId,
      deviceStatus: DeviceStatus.DEVICE_STATUS_ACTIVE,
    });
    // Revoking cuts it off at once.
    await firstValueFrom(api().revokeDeviceKey({ deviceId: 'keyed-1', keyId: issued.key!.keyId }));
    expect((await failure(api().verifyDeviceKey({ apiKey: issued.apiKey }))).code).toBe(
      status.UNAUTHENTICATED,
    );

    await firstValueFrom(api().revokeDeviceKey({ deviceId: 'keyed-1', keyId: rotated.key!.keyId }));
    expect((await failure(api().verifyDeviceKey({ apiKey: rotated.apiKey }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    const forged = `${rotated.apiKey.slice(0, -4)}AAAA`;
    expect((await failure(api().verifyDeviceKey({ apiKey: forged }))).code).toBe(status.UNAUTHENTICATED);
    expect((await failure(api().verifyDeviceKey({ apiKey: 'garbage' }))).code).toBe(status.UNAUTHENTICATED);
    const otherDevice = await failure(
      api().revokeDeviceKey({ deviceId: 'boiler-1', keyId: rotated.key!.keyId }),
    );
    expect(otherDevice.code).toBe(status.NOT_FOUND);
  });

  it('leaves one replacement when asked to rotate a key several times at once', async () => {
    await firstValueFrom(
      api().createDevice({ device: newDevice('Raced'), deviceId: 'raced-1', sendVerificationEmail: false }),
    );
    const issued = await firstValueFrom(api().issueDeviceKey({ deviceId: 'raced-1', description: '' }));
    const rotate = () =>
      firstValueFrom(api().rotateDeviceKey({ deviceId: 'raced-1', keyId: issued.key!.keyId }));

    // Within the grace period each rotation after the first is a retry, which replaces the replacement.
    const rotations = await Promise.all(Array.from({ length: 5 }, rotate));

    const verified = await Promise.allSettled(
      rotations.map(({ apiKey }) => firstValueFrom(api().verifyDeviceKey({ apiKey }))),
    );
    expect(verified.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const listed = await firstValueFrom(api().listDeviceKeys({ deviceId: 'raced-1' }));
    const active = listed.keys.filter((k) => k.state === KeyState.KEY_STATE_ACTIVE);
    expect(active.map((k) => k.keyId)).toContain(issued.key!.keyId);
    expect(active).toHaveLength(2);
  });

  it('decommissions: keys stop working, new keys and updates are refused', async () => {
    await firstValueFrom(
      api().createDevice({
        device: newDevice('Retiring'),
        deviceId: 'retire-1',
        sendVerificationEmail: false,
      }),
    );
    const issued = await firstValueFrom(api().issueDeviceKey({ deviceId: 'retire-1', description: '' }));
    const result = await firstValueFrom(api().decommissionDevice({ id: 'retire-1' }));
    expect(result.device?.status).toBe(DeviceStatus.DEVICE_STATUS_DECOMMISSIONED);
    expect((await failure(api().verifyDeviceKey({ apiKey: issued.apiKey }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await failure(api().issueDeviceKey({ deviceId: 'retire-1', description: '' }))).code).toBe(
      status.FAILED_PRECONDITION,
    );
    expect(
      (
        await failure(
          api().updateDevice({ device: newDevice('x', { id: 'retire-1' }), updateMask: ['name'] }),
        )
      ).code,
    ).toBe(status.FAILED_PRECONDITION);
  });

  it('keeps its data across a restart', async () => {
    await registry.stop();
    registry = await startRegistry({ DATA_DIR: dataDir });
    client.close();
    client = registryClient(registry.grpcAddress);
    await expect(firstValueFrom(api().getDevice({ id: 'boiler-1' }))).resolves.toMatchObject({
      device: { name: 'Boiler' },
    });
  });
});
