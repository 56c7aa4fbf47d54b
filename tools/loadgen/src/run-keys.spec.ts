import { fakeRegistry } from '../test/fake-registry.js';
import { OperatorCallError, type OperatorApi } from './operator-api.js';
import { isLoadgenKey, KEY_DESCRIPTION, RunKeys } from './run-keys.js';

describe("a run's device keys", () => {
  it("names the run in the description, so that runs never revoke each other's keys", async () => {
    const { api, keys } = fakeRegistry();
    const mine = new RunKeys(api, { runName: 'run1' });
    const theirs = new RunKeys(api, { runName: 'run2' });
    await mine.issue('lg-00000');
    await theirs.issue('lg-00000');
    expect(await mine.revokeAll(2)).toEqual([]);
    expect(keys.get('lg-00000')!.map((k) => `${k.description}:${k.state}`)).toEqual([
      `${KEY_DESCRIPTION} run1:KEY_STATE_REVOKED`,
      `${KEY_DESCRIPTION} run2:KEY_STATE_ACTIVE`,
    ]);
  });

  it("makes room at the key limit by revoking this tool's oldest key, never someone else's", async () => {
    const { api, keys } = fakeRegistry();
    for (let i = 0; i < 10; i++) await api.issueKey('lg-00000', i < 3 ? 'ops laptop' : KEY_DESCRIPTION);
    const issued = await new RunKeys(api).issue('lg-00000');
    const states = keys.get('lg-00000')!.map((k) => `${k.description}:${k.state}`);
    expect(states.slice(0, 4)).toEqual([
      'ops laptop:KEY_STATE_ACTIVE',
      'ops laptop:KEY_STATE_ACTIVE',
      'ops laptop:KEY_STATE_ACTIVE',
      `${KEY_DESCRIPTION}:KEY_STATE_REVOKED`,
    ]);
    expect(issued.keyId).toBe(keys.get('lg-00000')!.at(-1)!.keyId);

    const { api: full } = fakeRegistry();
    for (let i = 0; i < 10; i++) await full.issueKey('lg-00000', 'ops laptop');
    await expect(new RunKeys(full).issue('lg-00000')).rejects.toThrow('at most 10 active keys');
  });

  it("recognises this tool's keys from any run, named or from before runs were named", () => {
    expect(isLoadgenKey({ description: KEY_DESCRIPTION })).toBe(true);
    expect(isLoadgenKey({ description: `${KEY_DESCRIPTION} m1x2abc123` })).toBe(true);
    expect(isLoadgenKey({ description: `${KEY_DESCRIPTION}s` })).toBe(false);
    expect(isLoadgenKey({ description: 'ops laptop' })).toBe(false);
  });

  it('reports the keys it could not revoke, and falls back on the keys it knows when it cannot list them', async () => {
    const { api, keys } = fakeRegistry();
    const flaky: OperatorApi = {
      ...api,
      revokeKey: (id, keyId) =>
        id === 'lg-00001' ? Promise.reject(new Error('HTTP 500')) : api.revokeKey(id, keyId),
      listKeys: (id) => (id === 'lg-00002' ? Promise.reject(new Error('HTTP 503')) : api.listKeys(id)),
    };
    const runKeys = new RunKeys(flaky);
    const [, second, third] = [
      await runKeys.issue('lg-00000'),
      await runKeys.issue('lg-00001'),
      await runKeys.issue('lg-00002'),
    ];
    expect(await runKeys.revokeAll(3)).toEqual([
      `key ${second.keyId} of lg-00001 was not revoked: HTTP 500`,
      'the keys of lg-00002 could not be listed (HTTP 503)',
    ]);
    expect(keys.get('lg-00002')!.find((k) => k.keyId === third.keyId)?.state).toBe('KEY_STATE_REVOKED');
  });

  it('looks again for the key of a request without a clear answer, and says so when it never shows up', async () => {
    const { api, keys } = fakeRegistry();
    let late: (() => void) | undefined;
    // The first request times out on the client, while the registry goes on to issue the key.
    const slow: OperatorApi = {
      ...api,
      issueKey(id, description) {
        late = () => void api.issueKey(id, description);
        return Promise.reject(new OperatorCallError(0, 'TIMEOUT', 'timed out', true));
      },
      listKeys(id) {
        const listed = api.listKeys(id);
        late?.(); // shows up after the first listing
        late = undefined;
        return listed;
      },
    };
    const runKeys = new RunKeys(slow, { unansweredKeyWaitMs: 5_000 });
    await expect(runKeys.issue('lg-00000')).rejects.toThrow('timed out');
    expect(await runKeys.revokeAll(1)).toEqual([]);
    expect(keys.get('lg-00000')!.map((k) => k.state)).toEqual(['KEY_STATE_REVOKED']);

    const lost: OperatorApi = {
      ...api,
      issueKey: () => Promise.reject(new OperatorCallError(503, 'DOWNSTREAM.UNAVAILABLE', 'HTTP 503', true)),
    };
    const lostKeys = new RunKeys(lost, { runName: 'run9', unansweredKeyWaitMs: 0 });
    await expect(lostKeys.issue('lg-00001')).rejects.toThrow('HTTP 503');
    expect(await lostKeys.revokeAll(1)).toEqual([
      `a key request for lg-00001 ended without a clear answer, and no key had shown up 0 s later; if one does (description "${KEY_DESCRIPTION} run9"), revoke it`,
    ]);
  });
});
