import { fleetDeviceIds, KEY_DESCRIPTION, registerFleet, revokeFleetKeys } from './fleet.js';
import { OperatorCallError, type KeySummary, type OperatorApi } from './operator-api.js';

/** An in-memory registry behind the operator API, with the real registry's key limit. */
function fakeRegistry(existing: string[] = []) {
  const devices = new Set(existing);
  const keys = new Map<string, KeySummary[]>();
  const calls: string[] = [];
  let next = 0;
  const api: OperatorApi = {
    createDevice(id) {
      calls.push(`create ${id}`);
      if (devices.has(id)) return Promise.resolve('exists');
      devices.add(id);
      return Promise.resolve('created');
    },
    issueKey(id, description) {
      calls.push(`issue ${id}`);
      const own = keys.get(id) ?? [];
      if (own.filter((k) => k.state === 'KEY_STATE_ACTIVE').length >= 10) {
        return Promise.reject(new OperatorCallError(429, 'DEVICE_KEY.LIMIT', 'at most 10 active keys'));
      }
      const keyId = `k${next++}`;
      own.push({
        keyId,
        state: 'KEY_STATE_ACTIVE',
        description,
        createTime: new Date(next * 1000).toISOString(),
      });
      keys.set(id, own);
      return Promise.resolve({ keyId, apiKey: `imk_${keyId}` });
    },
    listKeys: (id) => Promise.resolve(keys.get(id) ?? []),
    revokeKey(id, keyId) {
      calls.push(`revoke ${id} ${keyId}`);
      const key = keys.get(id)?.find((k) => k.keyId === keyId);
      if (!key) return Promise.reject(new OperatorCallError(404, 'DEVICE_KEY.NOT_FOUND', 'no such key'));
      key.state = 'KEY_STATE_REVOKED';
      return Promise.resolve();
    },
  };
  return { api, calls, keys };
}

describe('fleet registration', () => {
  it("names devices with fixed-width numbers, so a bigger run reuses the smaller run's devices", () => {
    expect(fleetDeviceIds('lg', 3)).toEqual(['lg-00000', 'lg-00001', 'lg-00002']);
    expect(fleetDeviceIds('lg', 12)[2]).toBe('lg-00002');
  });

  it('creates each device and issues it a key of its own', async () => {
    const { api } = fakeRegistry();
    const fleet = await registerFleet(api, fleetDeviceIds('lg', 3), 2);
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
    const [device] = await registerFleet(api, ['lg-00000']);
    expect(device.apiKey).toMatch(/^imk_/);
    expect(calls).toEqual(['create lg-00000', 'issue lg-00000']);
  });

  it("makes room at the key limit by revoking this tool's oldest key, never someone else's", async () => {
    const { api, keys } = fakeRegistry();
    for (let i = 0; i < 10; i++) await api.issueKey('lg-00000', i < 3 ? 'ops laptop' : KEY_DESCRIPTION);
    const [device] = await registerFleet(api, ['lg-00000']);
    const states = keys.get('lg-00000')!.map((k) => `${k.description}:${k.state}`);
    expect(states.slice(0, 4)).toEqual([
      'ops laptop:KEY_STATE_ACTIVE',
      'ops laptop:KEY_STATE_ACTIVE',
      'ops laptop:KEY_STATE_ACTIVE',
      `${KEY_DESCRIPTION}:KEY_STATE_REVOKED`,
    ]);
    expect(device.keyId).toBe(keys.get('lg-00000')!.at(-1)!.keyId);

    const { api: full } = fakeRegistry();
    for (let i = 0; i < 10; i++) await full.issueKey('lg-00000', 'ops laptop');
    await expect(registerFleet(full, ['lg-00000'])).rejects.toThrow(
      'registering device lg-00000 failed: at most 10 active keys',
    );
  });

  it('stops at the first device it cannot register, naming it, and revokes the keys it issued', async () => {
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
    await expect(registerFleet(refusing, fleetDeviceIds('lg', 5), 1)).rejects.toThrow(
      'registering device lg-00001 failed: HTTP 401: invalid operator token',
    );
    expect(keys.get('lg-00000')?.map((k) => k.state)).toEqual(['KEY_STATE_REVOKED']);
    expect(keys.has('lg-00002')).toBe(false);
  });

  it("revokes the run's keys afterwards and reports the ones it could not", async () => {
    const { api, keys } = fakeRegistry();
    const fleet = await registerFleet(api, fleetDeviceIds('lg', 2));
    const problems = await revokeFleetKeys(api, [
      ...fleet,
      { index: 2, deviceId: 'lg-00009', keyId: 'gone', apiKey: 'x' },
    ]);
    expect(fleet.every((d) => keys.get(d.deviceId)![0].state === 'KEY_STATE_REVOKED')).toBe(true);
    expect(problems).toEqual(['key gone of lg-00009 was not revoked: no such key']);
  });
});
