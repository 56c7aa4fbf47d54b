import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DeviceStatus, type Device } from '../devices/domain/device.js';
import { KeyState, type DeviceKey } from '../keys/domain/device-key.js';
import { KyselyRegistryStore } from './kysely-registry.store.js';

const device = (id: string, changes: Partial<Device> = {}): Device => ({
  id,
  name: `Device ${id}`,
  type: SensorType.SENSOR_TYPE_TEMPERATURE,
  customType: '',
  location: { site: 'plant-1', zone: '', latitude: 1.5, longitude: -2.25 },
  ownerEmail: 'ops@example.com',
  status: DeviceStatus.DEVICE_STATUS_ACTIVE,
  labels: { floor: '2' },
  createTime: 1_700_000_000_000,
  updateTime: 1_700_000_000_000,
  ...changes,
});
const key = (keyId: string, deviceId: string): DeviceKey => ({
  keyId,
  deviceId,
  state: KeyState.KEY_STATE_ACTIVE,
  description: 'test',
  prefix: 'imk_01234567',
  secretHash: 'scrypt$1024$8$1$salt$hash',
  createTime: 1_700_000_000_000,
  revokeTime: null,
  lastUsedTime: null,
});

// The same contract for the embedded adapter and for PostgreSQL.
describe.each(DATABASE_KINDS)('registry store contract on %s', (kind) => {
  const opened = freshStore(kind, 'registry_contract', (settings) => KyselyRegistryStore.open(settings));
  let store: KyselyRegistryStore;
  beforeAll(() => {
    store = opened();
  });

  it('inserts once per id and reads devices back intact', async () => {
    await expect(store.insertDevice(device('a-1'))).resolves.toBe(true);
    await expect(store.insertDevice(device('a-1', { name: 'other' }))).resolves.toBe(false);
    await expect(store.findDevice('a-1')).resolves.toEqual(device('a-1'));
    await expect(store.findDevice('missing')).resolves.toBeUndefined();
  });

  it('lists by id with filters and a cursor', async () => {
    await store.insertDevice(device('b-1', { type: SensorType.SENSOR_TYPE_HUMIDITY }));
    await store.insertDevice(
      device('b-2', {
        status: DeviceStatus.DEVICE_STATUS_DISABLED,
        location: { site: 'plant-2', zone: '', latitude: 0, longitude: 0 },
      }),
    );
    expect((await store.listDevices({}, undefined, 10)).map((d) => d.id)).toEqual(['a-1', 'b-1', 'b-2']);
    expect((await store.listDevices({}, 'a-1', 1)).map((d) => d.id)).toEqual(['b-1']);
    expect(
      (await store.listDevices({ type: SensorType.SENSOR_TYPE_HUMIDITY }, undefined, 10)).map((d) => d.id),
    ).toEqual(['b-1']);
    expect(
      (await store.listDevices({ status: DeviceStatus.DEVICE_STATUS_DISABLED }, undefined, 10)).map(
        (d) => d.id,
      ),
    ).toEqual(['b-2']);
    expect((await store.listDevices({ site: 'plant-2' }, undefined, 10)).map((d) => d.id)).toEqual(['b-2']);
  });

  it('updates devices', async () => {
    await store.updateDevice(device('a-1', { name: 'renamed', labels: {}, updateTime: 1_800_000_000_000 }));
    await expect(store.findDevice('a-1')).resolves.toMatchObject({
      name: 'renamed',
      labels: {},
      updateTime: 1_800_000_000_000,
    });
  });

  it('keeps keys, counts active ones, rotates and revokes', async () => {
    await store.insertKey(key('k1', 'a-1'));
    await store.insertKey(key('k2', 'a-1'));
    await expect(store.countActiveKeys('a-1')).resolves.toBe(2);
    await store.rotateKey('k1', 5, key('k3', 'a-1'));
    await store.revokeKey('k2', 6);
    await store.touchKey('k3', 7);
    const keys = await store.listKeys('a-1');
    expect(keys.map((k) => [k.keyId, k.state, k.revokeTime, k.lastUsedTime])).toEqual([
      ['k1', KeyState.KEY_STATE_REVOKED, 5, null],
      ['k2', KeyState.KEY_STATE_REVOKED, 6, null],
      ['k3', KeyState.KEY_STATE_ACTIVE, null, 7],
    ]);
    await expect(store.countActiveKeys('a-1')).resolves.toBe(1);
  });

  it('decommissions a device and revokes its keys in one step', async () => {
    await store.insertKey(key('k4', 'b-1'));
    await store.decommissionDevice(device('b-1', { status: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED }), 9);
    await expect(store.findDevice('b-1')).resolves.toMatchObject({
      status: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED,
    });
    await expect(store.findKey('k4')).resolves.toMatchObject({
      state: KeyState.KEY_STATE_REVOKED,
      revokeTime: 9,
    });
  });
});
