import { Metadata, status, type ClientReadableStream } from '@grpc/grpc-js';
import { toGrpcError, toServiceDefinition, UnauthenticatedError } from '@iot-mesh/platform';
import { eventually, type ServiceProcess } from '@iot-mesh/platform/testing';
import { EdgeGatewayDefinition } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { credentials, makeGenericClientConstructor, type Client } from '@grpc/grpc-js';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, OPERATOR_TOKEN, startGateway, type ErrorBody } from './gateway-process.js';

// One key or address must not hold alert streams without bound: beyond the caps a new stream is
// refused (RESOURCE_EXHAUSTED, 429), and a stream that ends gives its slot back.

const SECOND_DEVICE_KEY = `imk_fedcba9876543210_${'s'.repeat(43)}`;

type RawClient = Client & {
  WatchAlerts(request: object, metadata: Metadata): ClientReadableStream<unknown>;
};

interface Sse {
  status: number;
  body?: ErrorBody;
  retryAfter: string | null;
  close(): void;
}

describe('caps on open alert streams', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let client: RawClient;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', (request: { apiKey: string }) =>
      request.apiKey === DEVICE_KEY || request.apiKey === SECOND_DEVICE_KEY
        ? { deviceId: request.apiKey === DEVICE_KEY ? 'dev-1' : 'dev-2', keyId: 'key-1', deviceStatus: 2 }
        : toGrpcError(new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key')),
    );
    gateway = await startGateway({
      ...stubs.env,
      ALERT_STREAMS_PER_DEVICE: '2',
      ALERT_STREAMS_PER_IP: '3',
      // Above what the first two cases hold open at once (4), so only the last one meets it.
      ALERT_STREAMS_TOTAL: '5',
      TRUST_FORWARDED_FOR: 'true',
    });
    const Client = makeGenericClientConstructor(toServiceDefinition(EdgeGatewayDefinition), 'EdgeGateway');
    client = new Client(gateway.grpcAddress, credentials.createInsecure()) as unknown as RawClient;
  });
  afterAll(async () => {
    client?.close();
    await gateway?.stop();
    await stubs?.stop();
  });

  /** Streams the alert manager was asked for so far: each one the gateway admitted. */
  const admitted = () => stubs.requests('WatchAlerts').length;

  /** A device's WatchAlerts from `address`: its refusal code, or undefined once the gateway admitted it. */
  async function watchOverGrpc(apiKey: string, address: string) {
    const metadata = new Metadata();
    metadata.set('x-api-key', apiKey);
    metadata.set('x-forwarded-for', address);
    const before = admitted();
    const call = client.WatchAlerts({ resumeAfterSequence: 0, replayFromStart: false }, metadata);
    const refusal = new Promise<number>((resolve) =>
      call.on('error', (error: { code: number }) => resolve(error.code)),
    );
    call.on('data', () => undefined);
    const code = await Promise.race([
      refusal,
      eventually(() => (admitted() > before ? true : undefined), 'the stream admitted', 5_000).then(
        () => undefined,
      ),
    ]);
    return { code, call };
  }

  async function watchOverSse(headers: Record<string, string>, address: string): Promise<Sse> {
    const abort = new AbortController();
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/alerts/stream`, {
      headers: { ...headers, 'x-forwarded-for': address },
      signal: abort.signal,
    });
    const retryAfter = response.headers.get('retry-after');
    if (response.status !== 200)
      return {
        status: response.status,
        body: (await response.json()) as ErrorBody,
        retryAfter,
        close: () => undefined,
      };
    return { status: 200, retryAfter, close: () => abort.abort() };
  }

  it('refuses a device its third stream, over gRPC or SSE, until one of its streams ends', async () => {
    const first = await watchOverGrpc(DEVICE_KEY, '203.0.113.1');
    const second = await watchOverSse({ 'x-api-key': DEVICE_KEY }, '203.0.113.2');
    expect([first.code, second.status]).toEqual([undefined, 200]);

    const admittedBefore = admitted();
    const third = await watchOverGrpc(DEVICE_KEY, '203.0.113.3');
    expect(third.code).toBe(status.RESOURCE_EXHAUSTED);
    const thirdSse = await watchOverSse({ 'x-api-key': DEVICE_KEY }, '203.0.113.3');
    expect(thirdSse).toMatchObject({
      status: 429,
      retryAfter: null,
      body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED', reason: 'ALERT_STREAM.LIMIT' } },
    });
    // A refused stream opens none to the alert manager either.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(admitted()).toBe(admittedBefore);
    // Another device is not held back by this one's streams.
    const other = await watchOverGrpc(SECOND_DEVICE_KEY, '203.0.113.3');
    expect(other.code).toBeUndefined();

    // Slots come back when streams end, whether the client cancels (gRPC) or hangs up (SSE).
    first.call.cancel();
    second.close();
    const again = await eventually(async () => {
      const attempt = await watchOverGrpc(DEVICE_KEY, '203.0.113.4');
      if (attempt.code === undefined) return attempt;
      return undefined;
    }, 'a slot freed');
    const oneMore = await watchOverSse({ 'x-api-key': DEVICE_KEY }, '203.0.113.4');
    expect(oneMore.status).toBe(200);
    for (const stream of [again.call, other.call]) stream.cancel();
    oneMore.close();
  });

  it("refuses an address its fourth stream, an operator's too", async () => {
    const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    const open = [
      await watchOverSse(operator, '198.51.100.1'),
      await watchOverSse(operator, '198.51.100.1'),
      await watchOverSse({ 'x-api-key': SECOND_DEVICE_KEY }, '198.51.100.1'),
    ];
    expect(open.map((sse) => sse.status)).toEqual([200, 200, 200]);
    const fourth = await watchOverSse(operator, '198.51.100.1');
    expect([fourth.status, fourth.body?.error.reason]).toEqual([429, 'ALERT_STREAM.LIMIT']);
    expect((await watchOverGrpc(DEVICE_KEY, '198.51.100.1')).code).toBe(status.RESOURCE_EXHAUSTED);
    // Another address is not.
    const elsewhere = await watchOverSse(operator, '198.51.100.2');
    expect(elsewhere.status).toBe(200);
    for (const sse of [...open, elsewhere]) sse.close();
    const freed = await eventually(async () => {
      const attempt = await watchOverSse(operator, '198.51.100.1');
      if (attempt.status === 200) return attempt;
      return undefined;
    }, "the address's slots freed");
    freed.close();
  });

  it('refuses a stream once the replica holds its total, from any address', async () => {
    const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
    // Streams the earlier cases closed may still be ending: each address retries until admitted.
    const open: Sse[] = [];
    for (const address of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'])
      open.push(
        await eventually(async () => {
          const attempt = await watchOverSse(operator, address);
          return attempt.status === 200 ? attempt : undefined;
        }, `a stream from ${address} admitted`),
      );
    const sixth = await watchOverSse(operator, '192.0.2.6');
    expect([sixth.status, sixth.body?.error.reason, sixth.retryAfter]).toEqual([
      429,
      'ALERT_STREAM.LIMIT',
      null,
    ]);
    expect(sixth.body?.error.message).toContain('per gateway replica');
    expect((await watchOverGrpc(SECOND_DEVICE_KEY, '192.0.2.7')).code).toBe(status.RESOURCE_EXHAUSTED);

    open.shift()?.close();
    const admittedAgain = await eventually(async () => {
      const attempt = await watchOverSse(operator, '192.0.2.6');
      return attempt.status === 200 ? attempt : undefined;
    }, 'a slot of the replica freed');
    for (const sse of [...open, admittedAgain]) sse.close();
  });
});
