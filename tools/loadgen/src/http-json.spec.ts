import { Agent, createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpStub } from '../test/http-stub.js';
import { fetchFailureCode, requestJson, requestNeverSent } from './http-json.js';

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (error: unknown) => error,
  );
/** The failure of one POST to a server on loopback that handles it as `handler` says. */
async function failureFrom(handler: RequestListener): Promise<unknown> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

const post = (url: string, timeoutMs = 5_000, agent?: Agent) =>
  failureOf(requestJson(url, { method: 'POST', headers: {}, body: {}, timeoutMs, agent }));

describe('request failures', () => {
  it('tells a request that never left (connection refused) from one that may have reached the server', async () => {
    const refused = await post('http://127.0.0.1:1/x');
    expect(requestNeverSent(refused)).toBe(true);
    expect(fetchFailureCode(refused)).toBe('NETWORK_ERROR');

    const stub = await startHttpStub(() => ({ status: 200, delayMs: 1_000 }));
    try {
      const timedOut = await post(`${stub.url}/x`, 50);
      expect(requestNeverSent(timedOut)).toBe(false);
      expect(fetchFailureCode(timedOut)).toBe('TIMEOUT');
    } finally {
      await stub.close();
    }

    // The server reads the request, then drops the connection without answering.
    const dropped = await failureFrom((req) => req.on('end', () => req.socket.destroy()).resume());
    expect(requestNeverSent(dropped)).toBe(false);
    expect(fetchFailureCode(dropped)).toBe('NETWORK_ERROR');
  });

  it('counts a request that timed out waiting for a connection as never sent', async () => {
    const stub = await startHttpStub(() => ({ status: 200, delayMs: 1_000 }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // The first request holds the agent's one connection past both time limits.
      const [written, queued] = await Promise.all([
        post(`${stub.url}/x`, 300, agent),
        post(`${stub.url}/x`, 50, agent),
      ]);
      expect(fetchFailureCode(queued)).toBe('TIMEOUT');
      expect(requestNeverSent(queued)).toBe(true);
      expect(fetchFailureCode(written)).toBe('TIMEOUT');
      expect(requestNeverSent(written)).toBe(false);
      expect(stub.requests).toHaveLength(1);
    } finally {
      agent.destroy();
      await stub.close();
    }
  });

  it('fails an answer cut short instead of returning part of its body', async () => {
    const cut = await failureFrom((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"acceptedCount":', () => res.destroy());
      });
    });
    expect(requestNeverSent(cut)).toBe(false);
    expect(fetchFailureCode(cut)).toBe('NETWORK_ERROR');
  });

  it('reads the JSON answer, its status and Retry-After, over a kept-alive connection', async () => {
    const stub = await startHttpStub(() => ({
      status: 429,
      body: { error: { reason: 'RATE_LIMIT.EXCEEDED' } },
      headers: { 'retry-after': '2' },
    }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const opened = stub.connections();
      for (let i = 0; i < 3; i++) {
        const answer = await requestJson(`${stub.url}/x`, {
          method: 'POST',
          headers: { authorization: 'Bearer k' },
          body: { value: 0 },
          timeoutMs: 5_000,
          agent,
        });
        expect(answer).toEqual({
          status: 429,
          body: { error: { reason: 'RATE_LIMIT.EXCEEDED' } },
          retryAfterSeconds: 2,
        });
      }
      expect(stub.connections() - opened).toBe(1);
      expect(stub.requests.at(-1)).toMatchObject({ body: { value: 0 } });
    } finally {
      agent.destroy();
      await stub.close();
    }
  });
});
