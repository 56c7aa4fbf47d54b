import { pino } from 'pino';
import { Registry } from 'prom-client';
import { registryConfigSchema } from '../src/config.js';
import { DevicesService } from '../src/devices/devices.service.js';
import { DisabledVerificationMailer } from '../src/infrastructure/disabled-verification.mailer.js';
import type { RegistryStore } from '../src/infrastructure/registry-store.port.js';
import { DeviceKeysService } from '../src/keys/device-keys.service.js';
import { KeyState } from '../src/keys/domain/device-key.js';
import { deviceFields } from './test-device.js';

/**
 * The registry's device and key use cases on a store, configured by `env` as the service would be (the
 * production scrypt cost unless it says otherwise), reading the time from `clock`.
 */
export function keyServices(
  store: RegistryStore,
  env: Record<string, string> = {},
  clock: () => number = () => Date.now(),
) {
  const devices = new DevicesService(
    store,
    new DisabledVerificationMailer(),
    clock,
    pino({ level: 'silent' }),
  );
  const keys = new DeviceKeysService(store, registryConfigSchema.parse(env), clock, devices, new Registry());
  return {
    devices,
    keys,
    register: (id: string) =>
      devices.create({
        requestedId: id,
        sendVerificationEmail: false,
        fields: deviceFields(`Device ${id}`),
      }),
    /** The ids of the device's keys the API shows as active now. */
    activeKeyIds: async (deviceId: string) =>
      (await keys.list(deviceId)).filter((k) => k.state === KeyState.KEY_STATE_ACTIVE).map((k) => k.keyId),
  };
}
