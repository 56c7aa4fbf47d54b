import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { whileDeviceHeld } from '../../test/while-device-held.js';
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
  expireTime: null,
  replacementKeyId: null,
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

  it('saves the change of a device and answers the device as saved', async () => {
    const renamed = await store.changeDevice('a-1', (current) => ({
      ...current!,
      name: 'renamed',
      labels: {},
      updateTime: 1_800_000_000_000,
    }));
    expect(renamed).toMatchObject({ name: 'renamed', labels: {}, updateTime: 1_800_000_000_000 });
    await expect(store.findDevice('a-1')).resolves.toEqual(renamed);
  });

  it('keeps keys, counts active ones and revokes only active keys of the device', async () => {
    const device = await store.changeDeviceKeys('a-1', async (keys) => {
      await keys.insertKey(key('k1', 'a-1'));
      await keys.insertKey(key('k2', 'a-1'));
      return keys.device;
    });
    expect(device).toMatchObject({ id: 'a-1', name: 'renamed' });
    await expect(store.countActiveKeys('a-1')).resolves.toBe(2);
    const revoked = await store.changeDeviceKeys('a-1', async (keys) => [
      await keys.revokeKey('k1', 5),
      await keys.revokeKey('k1', 6),
      await keys.revokeKey('missing', 6),
      await keys.countActiveKeys(),
    ]);
    expect(revoked).toEqual([true, false, false, 1]);
    await expect(store.changeDeviceKeys('b-1', (keys) => keys.revokeKey('k2', 6))).resolves.toBe(false);
    await store.touchKey('k2', 7);
    const keys = await store.listKeys('a-1');
    expect(keys.map((k) => [k.keyId, k.state, k.revokeTime, k.lastUsedTime])).toEqual([
      ['k1', KeyState.KEY_STATE_REVOKED, 5, null],
      ['k2', KeyState.KEY_STATE_ACTIVE, null, 7],
    ]);
    await expect(
      store.changeDeviceKeys('missing', (keys) => Promise.resolve(keys.device)),
    ).resolves.toBeUndefined();
  });

  it('keeps a replaced key working until its deadline, outside the count, and revokes it by then', async () => {
    await store.insertDevice(device('g-1'));
    await store.changeDeviceKeys('g-1', async (keys) => {
      for (const id of ['g-old', 'g-new', 'g-late']) await keys.insertKey(key(id, 'g-1'));
      await keys.markReplaced('g-old', 'g-new', 100);
      await keys.markReplaced('g-late', 'g-new', 100);
    });
    await expect(store.findKey('g-old')).resolves.toMatchObject({
      state: KeyState.KEY_STATE_ACTIVE,
      expireTime: 100,
      replacementKeyId: 'g-new',
    });
    await expect(store.countActiveKeys('g-1')).resolves.toBe(1);
    // Within its grace period a key can still be revoked; past it, it is revoked already.
    const revoked = await store.changeDeviceKeys('g-1', async (keys) => [
      await keys.revokeKey('g-old', 99),
      await keys.revokeKey('g-late', 100),
    ]);
    expect(revoked).toEqual([true, false]);
    await store.decommissionDevice('g-1', 100);
    const keys = await store.listKeys('g-1');
    expect(keys.map((k) => [k.keyId, k.state, k.revokeTime])).toEqual([
      ['g-late', KeyState.KEY_STATE_ACTIVE, null],
      ['g-new', KeyState.KEY_STATE_REVOKED, 100],
      ['g-old', KeyState.KEY_STATE_REVOKED, 99],
    ]);
  });

  it('writes nothing of a change of keys that throws', async () => {
    const failed = store.changeDeviceKeys('a-1', async (keys) => {
      await keys.revokeKey('k2', 8);
      await keys.insertKey(key('k-undone', 'a-1'));
      throw new Error('refused');
    });
    await expect(failed).rejects.toThrow('refused');
    await expect(store.findKey('k2')).resolves.toMatchObject({ state: KeyState.KEY_STATE_ACTIVE });
    await expect(store.findKey('k-undone')).resolves.toBeUndefined();
  });

  it('saves nothing of a device change that throws, and gives a change of a missing device nothing', async () => {
    const refused = store.changeDevice('a-1', () => {
      throw new Error('refused');
    });
    await expect(refused).rejects.toThrow('refused');
    await expect(store.findDevice('a-1')).resolves.toMatchObject({ name: 'renamed' });
    const seen: unknown[] = [];
    const missing = store.changeDevice('missing', (current) => {
      seen.push(current);
      throw new Error('no device');
    });
    await expect(missing).rejects.toThrow('no device');
    expect(seen).toEqual([undefined]);
  });

  it('runs concurrent changes of one device one after another', async () => {
    await store.insertDevice(device('c-1'));
    // Each adds a key while fewer than three are active, holding what it counted while the others queue.
    const addBelowThree = (keyId: string) =>
      store.changeDeviceKeys('c-1', async (keys) => {
        const active = await keys.countActiveKeys();
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (active < 3) await keys.insertKey(key(keyId, 'c-1'));
      });
    await Promise.all(['c1', 'c2', 'c3', 'c4', 'c5'].map(addBelowThree));
    await expect(store.countActiveKeys('c-1')).resolves.toBe(3);
  });

  it('revokes a key added while the device is being decommissioned', async () => {
    await store.insertDevice(device('c-2'));
    let locked!: () => void;
    const deviceHeld = new Promise<void>((resolve) => (locked = resolve));
    const adding = store.changeDeviceKeys('c-2', async (keys) => {
      locked();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await keys.insertKey(key('c-late', 'c-2'));
    });
    await deviceHeld;
    await store.decommissionDevice('c-2', 9);
    await adding;
    await expect(store.findKey('c-late')).resolves.toMatchObject({ state: KeyState.KEY_STATE_REVOKED });
  });

  it('decommissions a device and revokes its keys in one step, once', async () => {
    await store.changeDeviceKeys('b-1', (keys) => keys.insertKey(key('k4', 'b-1')));
    const before = await store.findDevice('b-1');
    const decommissioned = await store.decommissionDevice('b-1', 9);
    expect(decommissioned).toEqual({
      ...before,
      status: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED,
      updateTime: 9,
    });
    await expect(store.findDevice('b-1')).resolves.toEqual(decommissioned);
    await expect(store.findKey('k4')).resolves.toMatchObject({
      state: KeyState.KEY_STATE_REVOKED,
      revokeTime: 9,
    });
    // Decommissioned again, it stays as the first decommission left it.
    await expect(store.decommissionDevice('b-1', 10)).resolves.toEqual(decommissioned);
    await expect(store.decommissionDevice('missing', 10)).resolves.toBeUndefined();
  });

  describe('while a change of its keys holds a device', () => {
    it('applies changes of other fields queued behind it one after another: each is kept', async () => {
      await store.insertDevice(device('d-1'));
      await whileDeviceHeld(store, 'd-1', () =>
        Promise.all([
          store.changeDevice('d-1', (current) => ({ ...current!, name: 'Boiler (hall 2)' })),
          store.changeDevice('d-1', (current) => ({ ...current!, ownerEmail: 'facilities@example.com' })),
        ]),
      );
      await expect(store.findDevice('d-1')).resolves.toMatchObject({
        name: 'Boiler (hall 2)',
        ownerEmail: 'facilities@example.com',
      });
    });

    it('decommissions by status alone: a change queued with it is kept, whichever goes first', async () => {
      await store.insertDevice(device('d-2'));
      await whileDeviceHeld(store, 'd-2', () =>
        Promise.all([
          store.changeDevice('d-2', (current) => ({ ...current!, labels: { asset: 'a-17' } })),
          store.decommissionDevice('d-2', 1_900_000_000_000),
        ]),
      );
      await expect(store.findDevice('d-2')).resolves.toMatchObject({
        status: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED,
        labels: { asset: 'a-17' },
        updateTime: 1_900_000_000_000,
      });
    });
  });
});
