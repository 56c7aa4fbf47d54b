import { status } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { collect, echo, echoError, FAST_RETRY as fastRetry, fixtureClient } from './fixture-client.js';

describe('gRPC client factory', () => {
  let fixture: ServiceProcess;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop('SIGKILL');
  });

  it('retries UNAVAILABLE for idempotent methods until the call succeeds', async () => {
    const client = fixtureClient(fixture.grpcAddress, {
      idempotentMethods: ['Echo'],
      retryPolicy: fastRetry,
    });
    const response = await firstValueFrom(
      client.service.echo(echo('retry-1', { failCode: status.UNAVAILABLE, failTimes: 2 })),
    );
    client.close();
    expect(response).toEqual({ message: 'retry-1', attempt: 3 });
  });

  it('gives up after maxAttempts and reports UNAVAILABLE', async () => {
    const client = fixtureClient(fixture.grpcAddress, {
      idempotentMethods: ['Echo'],
      retryPolicy: fastRetry,
    });
    const error = await echoError(client, echo('retry-2', { failCode: status.UNAVAILABLE, failTimes: 10 }));
    const next = await firstValueFrom(client.service.echo(echo('retry-2')));
    client.close();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(next.attempt).toBe(5); // four attempts of the failed call, then this one
  });

  it('does not retry methods that are not declared idempotent', async () => {
    const client = fixtureClient(fixture.grpcAddress, { retryPolicy: fastRetry });
    const error = await echoError(client, echo('once', { failCode: status.UNAVAILABLE, failTimes: 1 }));
    const next = await firstValueFrom(client.service.echo(echo('once')));
    client.close();
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(next.attempt).toBe(2);
  });

  it('does not retry other codes even for idempotent methods', async () => {
    const client = fixtureClient(fixture.grpcAddress, {
      idempotentMethods: ['Echo'],
      retryPolicy: fastRetry,
    });
    const error = await echoError(
      client,
      echo('no-retry', { failCode: status.FAILED_PRECONDITION, failTimes: 1 }),
    );
    client.close();
    expect(error.code).toBe(status.FAILED_PRECONDITION);
  });

  it('puts a deadline on every call, and the server counts it as DeadlineExceeded', async () => {
    const client = fixtureClient(fixture.grpcAddress, { deadlineMs: 100 });
    const error = await echoError(client, echo('slow', { delayMs: 1_000 }));
    client.close();
    expect(error.code).toBe(status.DEADLINE_EXCEEDED);
    // The server learns of the cancel a moment after the client gave up.
    const counted =
      /grpc_server_handled_total\{[^}]*grpc_method="Echo"[^}]*grpc_code="DeadlineExceeded"[^}]*\} 1/;
    let metrics = '';
    for (let attempt = 0; attempt < 40 && !counted.test(metrics); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      metrics = await (await fetch(`${fixture.adminUrl}/metrics`)).text();
    }
    expect(metrics).toMatch(counted);
  });

  it('lets a method have its own deadline', async () => {
    const client = fixtureClient(fixture.grpcAddress, {
      deadlineMs: 100,
      deadlineByMethodMs: { Echo: 3_000 },
    });
    const response = await firstValueFrom(client.service.echo(echo('patient', { delayMs: 300 })));
    client.close();
    expect(response.message).toBe('patient');
  });

  it('streams server responses as an Observable', async () => {
    const client = fixtureClient(fixture.grpcAddress);
    const numbers = await collect(client.service.countUp({ count: 5, intervalMs: 5 }));
    client.close();
    expect(numbers.map((r) => r.n)).toEqual([1, 2, 3, 4, 5]);
  });

  it('reports UNAVAILABLE when nothing listens at the address', async () => {
    const client = fixtureClient('127.0.0.1:1', {
      deadlineMs: 2_000,
      idempotentMethods: ['Echo'],
      retryPolicy: fastRetry,
    });
    const error = await echoError(client, echo('nobody'));
    client.close();
    expect(error.code).toBe(status.UNAVAILABLE);
  });
});
