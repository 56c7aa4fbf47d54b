import { Metadata, status } from '@grpc/grpc-js';
import type { GrpcClient } from '@iot-mesh/platform';
import { failure, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { edgeClient, startGateway, THREE_REQUESTS_PER_ADDRESS } from './gateway-process.js';

// The requests carry no credentials: each is counted against its client address, then refused (401)
// before any downstream is called.

let sent = 0;
/** What a client writes into X-Forwarded-For itself: something new every time, to dodge the limit. */
const forged = () => `198.51.100.${++sent % 250}, 10.${sent}.0.1`;

describe('the client-address limit behind a trusted proxy', () => {
  let gateway: ServiceProcess;
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(async () => {
    gateway = await startGateway({ ...THREE_REQUESTS_PER_ADDRESS, TRUST_FORWARDED_FOR: 'true' });
    edge = edgeClient(gateway);
  });
  afterAll(async () => {
    edge?.close();
    await gateway?.stop();
  });

  /** The status of a REST request; `forwardedFor`, when given, is its X-Forwarded-For. */
  async function restStatus(forwardedFor?: string): Promise<number> {
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/devices`, {
      headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
    });
    return response.status;
  }

  /**
   * The statuses of REST requests whose X-Forwarded-For the proxy in front ended with `client` (the
   * i-th request's, when a function).
   */
  async function restStatuses(client: string | ((i: number) => string), requests: number): Promise<number[]> {
    const statuses: number[] = [];
    for (let i = 0; i < requests; i++) {
      statuses.push(await restStatus(`${forged()}, ${typeof client === 'string' ? client : client(i)}`));
    }
    return statuses;
  }

  it('counts REST requests against the address the proxy appended, whatever the client wrote before it', async () => {
    expect(await restStatuses('203.0.113.10', 4)).toEqual([401, 401, 401, 429]);
    // Another client behind the same proxy has its own bucket.
    expect(await restStatuses('203.0.113.11', 1)).toEqual([401]);
  });

  it('counts an IPv6 client by its /64, whichever of its addresses it uses', async () => {
    expect(await restStatuses('2001:db8:7:1::10', 3)).toEqual([401, 401, 401]);
    expect(await restStatuses('2001:db8:7:1:ffff::20', 1)).toEqual([429]);
    expect(await restStatuses('2001:db8:7:2::10', 1)).toEqual([401]);
  });

  it('counts an entry the proxy wrote with a port by its address alone, though each connection has its own port', async () => {
    expect(await restStatuses((i) => `203.0.113.30:${40_000 + i}`, 4)).toEqual([401, 401, 401, 429]);
    expect(await restStatuses((i) => `[2001:db8:7:3::${i + 1}]:${40_000 + i}`, 4)).toEqual([
      401, 401, 401, 429,
    ]);
  });

  it('counts an entry that names no IP address against the proxy that passed it on, however it is spelt', async () => {
    expect(await restStatuses((i) => `proxy-${i}.example`, 2)).toEqual([401, 401]);
    expect(await restStatuses((i) => `unknown:${i}`, 1)).toEqual([401]);
    // That is the socket peer's bucket, which a request that came past no proxy spends as well.
    expect([await restStatus(), await restStatus()]).toEqual([429, 429]);
  });

  it('counts gRPC calls the same way', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const metadata = new Metadata();
      metadata.set('x-forwarded-for', `${forged()}, 203.0.113.20`);
      codes.push((await failure(edge.service.publishReading({ reading: undefined }, metadata))).code);
    }
    expect(codes).toEqual([
      status.UNAUTHENTICATED,
      status.UNAUTHENTICATED,
      status.UNAUTHENTICATED,
      status.RESOURCE_EXHAUSTED,
    ]);
  });
});
