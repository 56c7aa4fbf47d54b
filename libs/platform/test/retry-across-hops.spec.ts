import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { echo, echoError, FAST_RETRY, fixtureClient } from './fixture-client.js';

const retryingClient = (fixture: ServiceProcess) =>
  fixtureClient(fixture.grpcAddress, { idempotentMethods: ['Echo'], retryPolicy: FAST_RETRY });
/** How many times the fixture was called with `key` so far, this call included. */
const attemptsOf = async (fixture: ServiceProcess, key: string) => {
  const client = fixtureClient(fixture.grpcAddress);
  const { attempt } = await firstValueFrom(client.service.echo(echo(key)));
  client.close();
  return attempt;
};

describe('retries across hops', () => {
  let relaying: ServiceProcess;
  beforeAll(async () => {
    // Its downstream is nowhere: every relayed call fails UNAVAILABLE after the relay's own attempt.
    relaying = await startFixture({ env: { FIXTURE_RELAY_ADDRESS: '127.0.0.1:1' } });
  });
  afterAll(async () => {
    await relaying.stop('SIGKILL');
  });

  it("does not retry a service's UNAVAILABLE that its downstream caused", async () => {
    const client = retryingClient(relaying);
    const error = await echoError(client, echo('relayed', { relay: true }));
    client.close();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.metadata.get('grpc-retry-pushback-ms')).toEqual(['-1']);
    // One attempt of the failed call, then the count.
    expect(await attemptsOf(relaying, 'relayed')).toBe(2);
  });

  it("retries the service's own UNAVAILABLE (FIXTURE.DOWN), which another attempt may get past", async () => {
    const client = retryingClient(relaying);
    const error = await echoError(client, echo('own', { failCode: status.UNAVAILABLE }));
    client.close();
    expect(error.metadata.get('grpc-retry-pushback-ms')).toEqual([]);
    expect(await attemptsOf(relaying, 'own')).toBe(5);
  });
});

describe('retry throttling', () => {
  let fixture: ServiceProcess;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop('SIGKILL');
  });

  it('sends each call once after a few failed attempts to the same server, instead of retrying each', async () => {
    const client = retryingClient(fixture);
    for (const key of ['first', 'second', 'third']) {
      await echoError(client, echo(key, { failCode: status.UNAVAILABLE }));
    }
    client.close();
    // 10 tokens: the first call's four failed attempts leave 6, the second's first attempt 5, and
    // from then on no retry.
    expect([
      await attemptsOf(fixture, 'first'),
      await attemptsOf(fixture, 'second'),
      await attemptsOf(fixture, 'third'),
    ]).toEqual([5, 2, 2]);
  });
});
