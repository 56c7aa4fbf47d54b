import { jest } from '@jest/globals';
import { FailedPreconditionError, ResourceExhaustedError, type DomainError } from '@iot-mesh/platform';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { keyServices } from '../../test/key-services.js';
import type { DevicesService } from '../devices/devices.service.js';
import { KyselyRegistryStore } from '../infrastructure/kysely-registry.store.js';
import type { DeviceKeysService } from './device-keys.service.js';
import { KeyState, MAX_ACTIVE_KEYS } from './domain/device-key.js';
import { VerifiedSecrets } from './verified-secrets.js';

/** The domain errors of the calls that failed; anything else fails the test. */
function refusals(results: PromiseSettledResult<unknown>[]): DomainError[] {
  return results.flatMap((result) => {
    if (result.status === 'fulfilled') return [];
    if (result.reason instanceof Error && 'kind' in result.reason) return [result.reason as DomainError];
    throw result.reason;
  });
}

const fulfilled = <T>(results: PromiseSettledResult<T>[]): T[] =>
  results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));

// The checks of a key change race its slow hashing; the write must re-check them, on either store.
// Rotation here revokes the old key at once (KEY_ROTATION_GRACE_MS=0), as it did before grace periods;
// key-rotation-grace.spec.ts covers rotation with one.
describe.each(DATABASE_KINDS)('device keys under concurrent changes on %s', (kind) => {
  const opened = freshStore(kind, 'registry_key_races', (settings) => KyselyRegistryStore.open(settings));
  let devices: DevicesService;
  let keys: DeviceKeysService;
  let register: (id: string) => Promise<unknown>;
  let activeKeyIds: (deviceId: string) => Promise<string[]>;
  beforeAll(() => {
    // The production cost: hashing takes long enough for the checks of every call to run meanwhile.
    ({ devices, keys, register, activeKeyIds } = keyServices(opened(), { KEY_ROTATION_GRACE_MS: '0' }));
  });

  it('lets exactly one of concurrent rotations of a key succeed', async () => {
    await register('rotate-race');
    const { key } = await keys.issue('rotate-race', 'field unit');

    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => keys.rotate('rotate-race', key.keyId)),
    );

    const rotated = fulfilled(results);
    expect(rotated.length).toBe(1);
    for (const refusal of refusals(results)) {
      expect(refusal).toBeInstanceOf(FailedPreconditionError);
      expect(refusal.code).toBe('DEVICE_KEY.REVOKED');
    }
    expect(await activeKeyIds('rotate-race')).toEqual([rotated[0].key.keyId]);
  });

  it('never lets concurrent issues pass the active-key limit', async () => {
    await register('issue-race');
    await keys.issue('issue-race', 'existing');

    const results = await Promise.allSettled(
      Array.from({ length: 15 }, (_, i) => keys.issue('issue-race', `parallel ${i}`)),
    );

    expect(fulfilled(results).length).toBe(MAX_ACTIVE_KEYS - 1);
    for (const refusal of refusals(results)) {
      expect(refusal).toBeInstanceOf(ResourceExhaustedError);
      expect(refusal.code).toBe('DEVICE_KEY.LIMIT');
    }
    expect(await activeKeyIds('issue-race')).toHaveLength(MAX_ACTIVE_KEYS);
  });

  it('lets a rotation and a revocation of one key both settle on what is stored', async () => {
    await register('revoke-race');
    const { key } = await keys.issue('revoke-race', 'field unit');

    const [rotation, revocation] = await Promise.allSettled([
      keys.rotate('revoke-race', key.keyId),
      keys.revoke('revoke-race', key.keyId),
    ]);

    // The revocation always succeeds and answers the key's one stored revocation, whoever made it.
    const stored = await keys.list('revoke-race');
    expect(revocation).toEqual({ status: 'fulfilled', value: stored.find((k) => k.keyId === key.keyId) });
    expect(stored.find((k) => k.keyId === key.keyId)?.state).toBe(KeyState.KEY_STATE_REVOKED);
    // A rotation that came second is refused rather than replacing a revoked key.
    const replacement = fulfilled([rotation]).map((rotated) => rotated.key.keyId);
    for (const refusal of refusals([rotation])) expect(refusal.code).toBe('DEVICE_KEY.REVOKED');
    expect(await activeKeyIds('revoke-race')).toEqual(replacement);
  });

  it('leaves no active key once a decommission racing issues and rotations has finished', async () => {
    await register('retire-race');
    const existing = await Promise.all([keys.issue('retire-race', 'a'), keys.issue('retire-race', 'b')]);

    const issues = ['late 1', 'late 2', 'late 3'].map((d) => keys.issue('retire-race', d));
    const rotations = existing.map(({ key }) => keys.rotate('retire-race', key.keyId));
    const decommissioned = devices.decommission('retire-race');
    const [issued, rotated] = await Promise.all([
      Promise.allSettled(issues),
      Promise.allSettled(rotations),
      decommissioned,
    ]);

    for (const refusal of refusals(issued)) {
      expect(refusal).toBeInstanceOf(FailedPreconditionError);
      expect(refusal.code).toBe('DEVICE.DECOMMISSIONED');
    }
    for (const refusal of refusals(rotated)) {
      expect(refusal).toBeInstanceOf(FailedPreconditionError);
      // A rotation that read its key after the decommission revoked it is told that instead.
      expect(['DEVICE.DECOMMISSIONED', 'DEVICE_KEY.REVOKED']).toContain(refusal.code);
    }
    expect(await activeKeyIds('retire-race')).toEqual([]);
  });

  it('still reads the key on every verification once its secret is remembered', async () => {
    await register('verify-again');
    const { key, apiKey } = await keys.issue('verify-again', 'field unit');
    // The second verification is answered from the remembered secret, without scrypt.
    const remembered = jest.spyOn(VerifiedSecrets.prototype, 'matches');
    await expect(keys.verify(apiKey)).resolves.toMatchObject({ key: { keyId: key.keyId } });
    await expect(keys.verify(apiKey)).resolves.toMatchObject({ key: { keyId: key.keyId } });
    expect(remembered.mock.results.map((result) => result.value)).toEqual([false, true]);
    remembered.mockRestore();
    // Another secret under the remembered key's id is still refused.
    const secretStart = 'imk_'.length + 17;
    const forged = `${apiKey.slice(0, secretStart)}${apiKey[secretStart] === 'A' ? 'B' : 'A'}${apiKey.slice(secretStart + 1)}`;
    await expect(keys.verify(forged)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    await keys.revoke('verify-again', key.keyId);
    await expect(keys.verify(apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    const rotatedFrom = await keys.issue('verify-again', 'second unit');
    await keys.verify(rotatedFrom.apiKey);
    const rotated = await keys.rotate('verify-again', rotatedFrom.key.keyId);
    await expect(keys.verify(rotatedFrom.apiKey)).rejects.toMatchObject({ code: 'DEVICE_KEY.INVALID' });
    await expect(keys.verify(rotated.apiKey)).resolves.toMatchObject({ key: { keyId: rotated.key.keyId } });
  });
});
