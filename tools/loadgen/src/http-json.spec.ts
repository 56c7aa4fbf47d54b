import { createServer } from 'node:http';
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
const post = (url: string, timeoutMs = 5_000) =>
  failureOf(requestJson(url, { method: 'POST', headers: {}, body: {}, timeoutMs }));

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
    const dropping = createServer((req) => req.on('end', () => req.socket.destroy()).resume());
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    try {
      const dropped = await post(`http://127.0.0.1:${(dropping.address() as AddressInfo).port}/x`);
      expect(requestNeverSent(dropped)).toBe(false);
      expect(fetchFailureCode(dropped)).toBe('NETWORK_ERROR');
    } finally {
      dropping.closeAllConnections();
      await new Promise((resolve) => dropping.close(resolve));
    }
  });
});
