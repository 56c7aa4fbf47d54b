import { OperatorCallError, type KeySummary, type OperatorApi } from '../src/operator-api.js';

/** An in-memory registry behind the operator API, with the real registry's key limit. */
export function fakeRegistry(existing: string[] = []) {
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
    listKeys: (id) => Promise.resolve((keys.get(id) ?? []).map((k) => ({ ...k }))),
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
