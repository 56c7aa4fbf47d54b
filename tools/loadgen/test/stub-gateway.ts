import { startHttpStub, type StubReply, type StubRequest } from './http-stub.js';

export interface StubKey {
  keyId: string;
  state: 'KEY_STATE_ACTIVE' | 'KEY_STATE_REVOKED';
  description: string;
  createTime: string;
}

export interface StubGatewayOptions {
  /**
   * How long issuing a key takes (the registry hashes it with scrypt): the key exists, and the
   * answer goes out, only that much later, whether or not the client is still waiting.
   */
  keyHashMs?: number;
  /** The answer to a readings call (single or batch); by default every reading is accepted. */
  readings?: (request: StubRequest) => StubReply;
}

const KEYS = /^\/api\/v1\/devices\/([^/]+)\/keys$/;
const REVOKE = /^\/api\/v1\/devices\/([^/]+)\/keys\/([^/]+)\/revoke$/;

const acceptAll = (request: StubRequest): StubReply => {
  const batch = (request.body as { readings?: unknown[] }).readings;
  return batch
    ? { status: 200, body: { acceptedCount: batch.length, duplicateCount: 0, rejections: [] } }
    : { status: 200, body: { duplicate: false } };
};

/**
 * The gateway's REST API as the load generator uses it, on loopback: devices, their keys (with the
 * registry's slow issuing) and readings. Remembers every request and every key.
 */
export async function startStubGateway(options: StubGatewayOptions = {}) {
  const keys = new Map<string, StubKey[]>();
  let issued = 0;
  const addKey = (deviceId: string, key: Omit<StubKey, 'createTime'>) =>
    keys.set(deviceId, [
      ...(keys.get(deviceId) ?? []),
      { ...key, createTime: new Date(Date.UTC(2026, 0, 1, 0, 0, issued)).toISOString() },
    ]);

  const route = (request: StubRequest): StubReply => {
    const { method, path } = request;
    if (method === 'POST' && path === '/api/v1/devices') return { status: 201, body: request.body };
    if (path.startsWith('/api/v1/readings')) return (options.readings ?? acceptAll)(request);
    const revoke = REVOKE.exec(path);
    if (method === 'POST' && revoke) {
      const key = keys.get(revoke[1])?.find((k) => k.keyId === revoke[2]);
      if (!key)
        return { status: 404, body: { error: { reason: 'DEVICE_KEY.NOT_FOUND', message: 'no key' } } };
      key.state = 'KEY_STATE_REVOKED';
      return { status: 200, body: key };
    }
    const deviceId = KEYS.exec(path)?.[1];
    if (deviceId && method === 'GET') return { status: 200, body: { keys: keys.get(deviceId) ?? [] } };
    if (deviceId && method === 'POST') {
      const keyId = `k${issued++}`;
      const { description } = request.body as { description: string };
      const store = () => addKey(deviceId, { keyId, state: 'KEY_STATE_ACTIVE', description });
      const hashMs = options.keyHashMs ?? 0;
      if (hashMs > 0) setTimeout(store, hashMs);
      else store();
      return { status: 201, body: { key: { keyId, description }, apiKey: `imk_${keyId}` }, delayMs: hashMs };
    }
    return { status: 404, body: { error: { reason: 'NOT_FOUND', message: `${method} ${path}` } } };
  };

  const stub = await startHttpStub(route);
  return {
    ...stub,
    keys,
    /** A key someone else issued earlier. */
    seedKey: (deviceId: string, keyId: string, description: string) =>
      addKey(deviceId, { keyId, state: 'KEY_STATE_ACTIVE', description }),
    /** Key requests per device, counted as the gateway received them. */
    keyRequests(): Map<string, number> {
      const counts = new Map<string, number>();
      for (const { method, path } of stub.requests) {
        const id = KEYS.exec(path)?.[1];
        if (method === 'POST' && id) counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      return counts;
    },
  };
}
