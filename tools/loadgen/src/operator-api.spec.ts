import { startHttpStub, type StubReply, type StubRequest } from '../test/http-stub.js';
import { OperatorCallError, operatorApi } from './operator-api.js';

const TOKEN = 'an-operator-token-long-enough';
const refusal = (status: number, reason: string, headers: Record<string, string> = {}): StubReply => ({
  status,
  headers,
  body: { error: { code: status, status: 'X', reason, message: `${reason}!` } },
});

describe('the operator API client', () => {
  let answer: (request: StubRequest) => StubReply;
  let stub: Awaited<ReturnType<typeof startHttpStub>>;
  beforeAll(async () => {
    stub = await startHttpStub((request) => answer(request));
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.requests.splice(0));

  it('registers a device as the operator, treating ALREADY_EXISTS as done', async () => {
    const api = operatorApi(stub.url, TOKEN, 5_000);
    answer = () => ({ status: 201, body: { id: 'lg-00000' } });
    expect(await api.createDevice('lg-00000')).toBe('created');
    answer = () => refusal(409, 'DEVICE.ALREADY_EXISTS');
    expect(await api.createDevice('lg-00000')).toBe('exists');
    expect(stub.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/devices',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: { id: 'lg-00000', type: 'SENSOR_TYPE_TEMPERATURE', status: 'DEVICE_STATUS_ACTIVE' },
    });
  });

  it('issues, lists and revokes keys', async () => {
    const api = operatorApi(stub.url, TOKEN, 5_000);
    answer = (request) =>
      request.method === 'GET'
        ? {
            status: 200,
            body: { keys: [{ keyId: 'k1', state: 'KEY_STATE_ACTIVE', description: 'd', createTime: 't' }] },
          }
        : request.path.endsWith('/revoke')
          ? { status: 200, body: { keyId: 'k1' } }
          : { status: 201, body: { key: { keyId: 'k1' }, apiKey: 'imk_secret' } };
    expect(await api.issueKey('lg-00000', 'why')).toEqual({ keyId: 'k1', apiKey: 'imk_secret' });
    expect(await api.listKeys('lg-00000')).toEqual([
      { keyId: 'k1', state: 'KEY_STATE_ACTIVE', description: 'd', createTime: 't' },
    ]);
    await api.revokeKey('lg-00000', 'k1');
    expect(stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/devices/lg-00000/keys',
      'GET /api/v1/devices/lg-00000/keys',
      'POST /api/v1/devices/lg-00000/keys/k1/revoke',
    ]);
    expect(stub.requests[0].body).toEqual({ description: 'why' });
  });

  it("waits out the gateway's rate limit and unavailable downstreams", async () => {
    const api = operatorApi(stub.url, TOKEN, 5_000);
    const replies = [
      refusal(429, 'RATE_LIMIT.EXCEEDED', { 'retry-after': '0' }),
      refusal(503, 'UNAVAILABLE'),
    ];
    answer = () => replies.shift() ?? { status: 201, body: {} };
    expect(await api.createDevice('lg-00000')).toBe('created');
    expect(stub.requests).toHaveLength(3);
  });

  it('asks for a key only once when the answer does not come in time: the gateway may have issued it', async () => {
    const api = operatorApi(stub.url, TOKEN, 100);
    answer = () => ({ status: 201, body: { key: { keyId: 'k1' }, apiKey: 'imk_late' }, delayMs: 1_000 });
    const error = await api.issueKey('lg-00000', 'd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperatorCallError);
    expect(error).toMatchObject({ status: 0, reason: 'TIMEOUT', outcomeUnknown: true });
    expect((error as Error).message).toMatch(
      /^POST \/api\/v1\/devices\/lg-00000\/keys: .*timeout.*not retried/,
    );
    expect(stub.requests).toHaveLength(1);
  });

  it('does not ask for a key again after a 503 either (a downstream timeout answers 503 too)', async () => {
    const api = operatorApi(stub.url, TOKEN, 5_000);
    answer = () => refusal(503, 'DOWNSTREAM.UNAVAILABLE');
    await expect(api.issueKey('lg-00000', 'd')).rejects.toMatchObject({ status: 503, outcomeUnknown: true });
    expect(stub.requests).toHaveLength(1);
  });

  it('repeats calls that are safe to repeat when their answer is late', async () => {
    const api = operatorApi(stub.url, TOKEN, 100);
    let calls = 0;
    answer = () => ({ status: 200, body: { keys: [] }, delayMs: calls++ === 0 ? 1_000 : 0 });
    expect(await api.listKeys('lg-00000')).toEqual([]);
    expect(stub.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('does not retry refusals that waiting cannot fix, and keeps their reason', async () => {
    const api = operatorApi(stub.url, TOKEN, 5_000);
    answer = () => refusal(429, 'DEVICE_KEY.LIMIT');
    const error = await api.issueKey('lg-00000', 'd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperatorCallError);
    expect(error).toMatchObject({ status: 429, reason: 'DEVICE_KEY.LIMIT' });
    expect((error as Error).message).toBe(
      'POST /api/v1/devices/lg-00000/keys answered HTTP 429: DEVICE_KEY.LIMIT: DEVICE_KEY.LIMIT!',
    );
    answer = () => refusal(401, 'AUTH.INVALID_TOKEN');
    await expect(api.createDevice('lg-00000')).rejects.toMatchObject({
      status: 401,
      reason: 'AUTH.INVALID_TOKEN',
    });
    expect(stub.requests).toHaveLength(2);
  });
});
