import { ValidationError } from '@iot-mesh/platform';
import { freshStore } from '@iot-mesh/storage/testing';
import { keyServices } from '../../test/key-services.js';
import { deviceFields } from '../../test/test-device.js';
import { KyselyRegistryStore } from '../infrastructure/kysely-registry.store.js';
import type { DevicesService } from './devices.service.js';
import { DeviceStatus } from './domain/device.js';

// Taken by the registry's email rule before the platform's: mail software reads it as two addresses.
const OLD_RULE_EMAIL = 'ops,admin@example.com';
const fields = deviceFields('Boiler');

describe('owner emails under the platform email rule', () => {
  const opened = freshStore('sqlite', 'registry_owner_email', (settings) =>
    KyselyRegistryStore.open(settings),
  );
  let devices: DevicesService;
  beforeAll(() => {
    devices = keyServices(opened()).devices;
  });

  it('refuses a new owner email that mail software reads as another address or as several', async () => {
    for (const ownerEmail of [OLD_RULE_EMAIL, '"ops"@example.com', 'ops(team)@example.com']) {
      await expect(
        devices.create({ requestedId: '', sendVerificationEmail: false, fields: { ...fields, ownerEmail } }),
      ).rejects.toMatchObject({ violations: [expect.objectContaining({ reason: 'DEVICE.OWNER_EMAIL' })] });
    }
  });

  it('lets a device stored with an email of the old rule change its other fields, not take another one', async () => {
    const now = Date.now();
    // As a version before the platform rule stored it.
    await opened().insertDevice({
      ...fields,
      ownerEmail: OLD_RULE_EMAIL,
      id: 'boiler-old',
      createTime: now,
      updateTime: now,
    });

    await expect(
      devices.update('boiler-old', { ...fields, status: DeviceStatus.DEVICE_STATUS_DISABLED }, ['status']),
    ).resolves.toMatchObject({ status: DeviceStatus.DEVICE_STATUS_DISABLED, ownerEmail: OLD_RULE_EMAIL });
    const another = devices.update('boiler-old', { ...fields, ownerEmail: '"ops"@example.com' }, [
      'owner_email',
    ]);
    await expect(another).rejects.toBeInstanceOf(ValidationError);
    await expect(
      devices.update('boiler-old', { ...fields, ownerEmail: 'ops@example.com' }, ['owner_email']),
    ).resolves.toMatchObject({ ownerEmail: 'ops@example.com' });
  });
});
