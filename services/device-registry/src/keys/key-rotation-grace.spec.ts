import { jest } from '@jest/globals';
import { FailedPreconditionError, ResourceExhaustedError } from '@iot-mesh/platform';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { keyServices } from '../../test/key-services.js';
import { KyselyRegistryStore } from '../infrastructure/kysely-registry.store.js';
import { BoundedWork } from './bounded-work.js';
import { KeyState, MAX_ACTIVE_KEYS } from './domain/device-key.js';

const GRACE_MS = 3_600_000;

// A rotation leaves the old key working for a grace period, so that a rotation whose answer was lost
// (a gateway timeout) can be retried and the device is never locked out. The clock is the test's.
describe.each(DATABASE_KINDS)('key rotation with a grace period on %s', (kind) => {
  const opened = freshStore(kind, 'registry_key_grace', (settings) => KyselyRegistryStore.open(settings));
  let now = Date.now();
  let registry: ReturnType<typeof keyServices>;
  beforeAll(() => {
    registry = keyServices(opened(), { API_KEY_SCRYPT_COST: '1024' }, () => now);
  });
  const keys = () => registry.keys;
  const stateOf = async (deviceId: string, keyId: string) =>
    (await keys().list(deviceId)).find((key) => key.keyId === keyId);

  it('keeps the old key working until the end of the grace period, then shows it revoked then', async () => {
    await registry.register('grace-1');
    const old = await keys().issue('grace-1', 'field unit');
    const rotatedAt = now;

    const rotated = await keys().rotate('grace-1', old.key.keyId);

    const deadline = rotatedAt + GRACE_MS;
    expect(rotated.revoked).toMatchObject({ state: KeyState.KEY_STATE_ACTIVE, expireTime: deadline });
    await expect(keys().verify(old.apiKey)).resolves.toMatchObject({ key: { expireTime: deadline } });
    await expect(keys().verify(rotated.apiKey)).resolves.toMatchObject({ key: { expireTime: null } });
    now = deadline;
    await expect(keys().verify(old.apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    await expect(stateOf('grace-1', old.key.keyId)).resolves.toMatchObject({
      state: KeyState.KEY_STATE_REVOKED,
      revokeTime: deadline,
    });
    await expect(keys().rotate('grace-1', old.key.keyId)).rejects.toMatchObject({
      code: 'DEVICE_KEY.REVOKED',
    });
    await expect(keys().verify(rotated.apiKey)).resolves.toMatchObject({ key: { keyId: rotated.key.keyId } });
  });

  it('takes a rotation repeated in the grace period as a retry: one replacement, the first deadline', async () => {
    await registry.register('grace-2');
    const old = await keys().issue('grace-2', 'field unit');
    const first = await keys().rotate('grace-2', old.key.keyId);
    now += 60_000;

    const retried = await keys().rotate('grace-2', old.key.keyId);

    expect(retried.revoked.expireTime).toBe(first.revoked.expireTime);
    await expect(keys().verify(first.apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    await expect(stateOf('grace-2', first.key.keyId)).resolves.toMatchObject({
      state: KeyState.KEY_STATE_REVOKED,
      revokeTime: now,
    });
    await expect(keys().verify(retried.apiKey)).resolves.toMatchObject({ key: { keyId: retried.key.keyId } });
    await expect(keys().verify(old.apiKey)).resolves.toMatchObject({ key: { keyId: old.key.keyId } });
    expect((await registry.activeKeyIds('grace-2')).sort()).toEqual(
      [old.key.keyId, retried.key.keyId].sort(),
    );
  });

  it('leaves one working replacement and one deadline after concurrent rotations of a key', async () => {
    await registry.register('grace-3');
    const old = await keys().issue('grace-3', 'field unit');

    const rotations = await Promise.all(
      Array.from({ length: 5 }, () => keys().rotate('grace-3', old.key.keyId)),
    );

    // They ran one after another, each later one a retry of the one before: only the last key works.
    const working = await Promise.all(
      rotations.map(({ apiKey }) =>
        keys()
          .verify(apiKey)
          .then(
            () => apiKey,
            () => undefined,
          ),
      ),
    );
    expect(working.filter((apiKey) => apiKey !== undefined)).toHaveLength(1);
    expect(new Set(rotations.map(({ revoked }) => revoked.expireTime)).size).toBe(1);
    expect(await registry.activeKeyIds('grace-3')).toHaveLength(2);
  });

  it('revokes a key in its grace period at once when asked, and on decommission', async () => {
    await registry.register('grace-4');
    const [revoked, retired] = await Promise.all([
      keys().issue('grace-4', 'leaked'),
      keys().issue('grace-4', 'retired'),
    ]);
    await keys().rotate('grace-4', revoked.key.keyId);
    const replacement = await keys().rotate('grace-4', retired.key.keyId);

    await expect(keys().revoke('grace-4', revoked.key.keyId)).resolves.toMatchObject({
      state: KeyState.KEY_STATE_REVOKED,
      revokeTime: now,
    });
    await expect(keys().verify(revoked.apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    await expect(keys().rotate('grace-4', revoked.key.keyId)).rejects.toBeInstanceOf(FailedPreconditionError);

    await registry.devices.decommission('grace-4');
    for (const apiKey of [retired.apiKey, replacement.apiKey])
      await expect(keys().verify(apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    expect(await registry.activeKeyIds('grace-4')).toEqual([]);
  });

  it('does not count keys in their grace period against the limit, so a full device can rotate', async () => {
    await registry.register('grace-5');
    const issued = [];
    for (let i = 0; i < MAX_ACTIVE_KEYS; i++) issued.push(await keys().issue('grace-5', `key ${i}`));

    await keys().rotate('grace-5', issued[0].key.keyId);

    expect(await registry.activeKeyIds('grace-5')).toHaveLength(MAX_ACTIVE_KEYS + 1);
    await expect(keys().issue('grace-5', 'one more')).rejects.toMatchObject({ code: 'DEVICE_KEY.LIMIT' });
  });

  it('hashes new keys within the bound of scrypt runs, and writes nothing when refused', async () => {
    await registry.register('grace-6');
    const old = await keys().issue('grace-6', 'field unit');
    // Every scrypt turn taken, as by a flood of verifications.
    const busy = jest
      .spyOn(BoundedWork.prototype, 'run')
      .mockImplementation((_task, refusal) => Promise.reject(refusal()));
    try {
      for (const call of [keys().issue('grace-6', 'new'), keys().rotate('grace-6', old.key.keyId)]) {
        const refused = await call.catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(ResourceExhaustedError);
        expect(refused).toMatchObject({ code: 'DEVICE_KEY.HASHING_BUSY' });
      }
    } finally {
      busy.mockRestore();
    }
    expect(await keys().list('grace-6')).toEqual([old.key]);
  });
});
