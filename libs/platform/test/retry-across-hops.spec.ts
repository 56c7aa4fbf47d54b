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

  it("retries a service's UNAVAILABLE when its downstream could not be reached, as through a restart", async () => {
    const client = retryingClient(relaying);
    const error = await echoError(client, echo('relayed', { relay: true }));
    client.close();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.metadata.get('grpc-retry-pushback-ms')).toEqual([]);
    // Four attempts of the failed call, then the count.
    expect(await attemptsOf(relaying, 'relayed')).toBe(5);
  });

  it("retries the service's own UNAVAILABLE (FIXTURE.DOWN), which another attempt may get past", async () => {
    const client = retryingClient(relaying);
    const error = await echoError(client, echo('own', { failCode: status.UNAVAILABLE }));
    client.close();
    expect(error.metadata.get('grpc-retry-pushback-ms')).toEqual([]);
    expect(await attemptsOf(relaying, 'own')).toBe(5);
  });
});
