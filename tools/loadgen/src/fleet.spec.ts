import { fakeRegistry } from '../test/fake-registry.js';
import { fleetDeviceIds, registerFleet } from './fleet.js';
import { OperatorCallError, type OperatorApi } from './operator-api.js';
import { RunKeys } from './run-keys.js';

describe('fleet registration', () => {
  it("names devices with fixed-width numbers, so a bigger run reuses the smaller run's devices", () => {
    expect(fleetDeviceIds('lg', 3)).toEqual(['lg-00000', 'lg-00001', 'lg-00002']);
    expect(fleetDeviceIds('lg', 12)[2]).toBe('lg-00002');
  });

  it('creates each device and issues it a key of its own', async () => {
    const { api } = fakeRegistry();
    const fleet = await registerFleet(api, new RunKeys(api), fleetDeviceIds('lg', 3), { concurrency: 2 });
    expect(fleet).toEqual([
      {
        index: 0,
        deviceId: 'lg-00000',
        keyId: expect.any(String) as string,
        apiKey: expect.stringMatching(/^imk_/) as string,
      },
      {
        index: 1,
        deviceId: 'lg-00001',
        keyId: expect.any(String) as string,
        apiKey: expect.stringMatching(/^imk_/) as string,
      },
      {
        index: 2,
        deviceId: 'lg-00002',
        keyId: expect.any(String) as string,
        apiKey: expect.stringMatching(/^imk_/) as string,
      },
    ]);
    expect(new Set(fleet.map((d) => d.apiKey)).size).toBe(3);
  });

  it('reuses devices that exist already (ALREADY_EXISTS) and issues them a new key', async () => {
    const { api, calls } = fakeRegistry(['lg-00000']);
    const [device] = await registerFleet(api, new RunKeys(api), ['lg-00000']);
    expect(device.apiKey).toMatch(/^imk_/);
    expect(calls).toEqual(['create lg-00000', 'issue lg-00000']);
  });

  it('registers no further device once stopped, returning the devices done so far', async () => {
    const { api, calls } = fakeRegistry();
    const stop = new AbortController();
    const stopping: OperatorApi = {
      ...api,
      createDevice: (id) => {
        if (id === 'lg-00001') stop.abort();
        return api.createDevice(id);
      },
    };
    const fleet = await registerFleet(stopping, new RunKeys(stopping), fleetDeviceIds('lg', 5), {
      concurrency: 1,
      signal: stop.signal,
    });
    expect(fleet.map((d) => d.deviceId)).toEqual(['lg-00000', 'lg-00001']);
    expect(calls.filter((c) => c.startsWith('create'))).toEqual(['create lg-00000', 'create lg-00001']);
  });

  it('stops at the first device it cannot register, naming it; the keys issued so far are then revoked', async () => {
    const { api, keys } = fakeRegistry();
    const refusing: OperatorApi = {
      ...api,
      createDevice: (id) =>
        id === 'lg-00001'
          ? Promise.reject(
              new OperatorCallError(401, 'AUTH.INVALID_TOKEN', 'HTTP 401: invalid operator token'),
            )
          : api.createDevice(id),
    };
    const runKeys = new RunKeys(refusing);
    await expect(
      registerFleet(refusing, runKeys, fleetDeviceIds('lg', 5), { concurrency: 1 }),
    ).rejects.toThrow('registering device lg-00001 failed: HTTP 401: invalid operator token');
    expect(keys.has('lg-00002')).toBe(false);
    expect(await runKeys.revokeAll(1)).toEqual([]);
    expect(keys.get('lg-00000')?.map((k) => k.state)).toEqual(['KEY_STATE_REVOKED']);
  });
});
