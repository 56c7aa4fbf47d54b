import { FailedPreconditionError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { pino } from 'pino';
import { whileDeviceHeld } from '../../test/while-device-held.js';
import { DisabledVerificationMailer } from '../infrastructure/disabled-verification.mailer.js';
import { KyselyRegistryStore } from '../infrastructure/kysely-registry.store.js';
import { DevicesService } from './devices.service.js';
import { DeviceStatus, type DeviceFields } from './domain/device.js';

const fields: DeviceFields = {
  name: 'Boiler',
  type: SensorType.SENSOR_TYPE_TEMPERATURE,
  customType: '',
  location: { site: 'plant-a', zone: 'z1', latitude: 0, longitude: 0 },
  ownerEmail: 'ops@example.com',
  status: DeviceStatus.DEVICE_STATUS_ACTIVE,
  labels: {},
};

// Operators change a device at the same time, here while a key is being issued for it, so every call
// waits for the device: each change must land on the device as stored, not on a copy read before
// another change was saved.
describe.each(DATABASE_KINDS)('device changes racing each other on %s', (kind) => {
  const opened = freshStore(kind, 'registry_device_races', (settings) => KyselyRegistryStore.open(settings));
  let devices: DevicesService;
  beforeAll(() => {
    devices = new DevicesService(
      opened(),
      new DisabledVerificationMailer(),
      () => Date.now(),
      pino({ level: 'silent' }),
    );
  });
  const register = (id: string) => devices.create({ requestedId: id, sendVerificationEmail: false, fields });

  it('keeps every one of concurrent updates of different fields', async () => {
    await register('boiler-1');
    const location = { site: 'plant-b', zone: 'hall 2', latitude: 52.5, longitude: 13.4 };
    const answers = await whileDeviceHeld(opened(), 'boiler-1', () =>
      Promise.all([
        devices.update('boiler-1', { ...fields, name: 'Boiler (hall 2)' }, ['name']),
        devices.update('boiler-1', { ...fields, ownerEmail: 'facilities@example.com' }, ['owner_email']),
        devices.update('boiler-1', { ...fields, location }, ['location']),
        devices.update('boiler-1', { ...fields, labels: { asset: 'a-17' } }, ['labels']),
        devices.update('boiler-1', { ...fields, status: DeviceStatus.DEVICE_STATUS_DISABLED }, ['status']),
      ]),
    );

    const stored = await devices.get('boiler-1');
    expect(stored).toMatchObject({
      name: 'Boiler (hall 2)',
      ownerEmail: 'facilities@example.com',
      location,
      labels: { asset: 'a-17' },
      status: DeviceStatus.DEVICE_STATUS_DISABLED,
    });
    // The updates applied one after another, so the last one answered the device as stored.
    expect(answers).toContainEqual(stored);
  });

  it('never undoes an acknowledged update when a decommission races it', async () => {
    // Both orders of the calls, a few times: either may get the device first.
    for (const round of [0, 1, 2, 3, 4, 5]) {
      const id = `boiler-race-${round}`;
      await register(id);
      const labels = { asset: `a-${round}` };
      const update = () => devices.update(id, { ...fields, labels }, ['labels']);
      const decommission = () => devices.decommission(id);
      const [updated, decommissioned] = await whileDeviceHeld(opened(), id, async () =>
        round % 2 === 0
          ? Promise.allSettled([update(), decommission()])
          : (await Promise.allSettled([decommission(), update()])).reverse(),
      );

      const stored = await devices.get(id);
      expect(decommissioned).toEqual({ status: 'fulfilled', value: stored });
      expect(stored.status).toBe(DeviceStatus.DEVICE_STATUS_DECOMMISSIONED);
      if (updated.status === 'fulfilled') {
        expect(stored.labels).toEqual(labels);
      } else {
        // Refused because the decommission came first: nothing was acknowledged, nothing changed.
        expect(updated.reason).toBeInstanceOf(FailedPreconditionError);
        expect(updated.reason).toMatchObject({ code: 'DEVICE.DECOMMISSIONED' });
        expect(stored.labels).toEqual({});
      }
    }
  });
});
