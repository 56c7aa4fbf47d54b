import { status, type ServiceError } from '@grpc/grpc-js';
import { firstValueFrom } from 'rxjs';
import { decodeStatusDetails } from '../src/errors/grpc-status.details.js';
import { eventually } from '../src/testing/eventually.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { echoError, fixtureClient } from './fixture-client.js';

const slowEcho = (key: string, delayMs: number) => ({
  message: key,
  delayMs,
  failCode: 0,
  failTimes: 0,
  key,
  relay: false,
});

describe('graceful shutdown', () => {
  const started: ServiceProcess[] = [];
  // A service that failed to exit must not outlive the test.
  afterEach(() => {
    for (const fixture of started.splice(0)) fixture.child.kill('SIGKILL');
  });

  it('finishes every in-flight call after SIGTERM, refuses new ones, and exits 0', async () => {
    const fixture = await startFixture();
    const client = fixtureClient(fixture.grpcAddress);
    const inFlight = Array.from({ length: 20 }, (_, i) =>
      firstValueFrom(client.service.echo(slowEcho(`f${i}`, 800))),
    );
    await fixture.waitForLog((l) => l.msg === 'echo' && l['key'] === 'f19');

    const exit = fixture.stop('SIGTERM');
    await fixture.waitForLog((l) => l.msg === 'shutting down: draining in-flight calls');
    const late = fixtureClient(fixture.grpcAddress, { deadlineMs: 2_000 });
    const refused = await echoError(late, slowEcho('late', 0));

    const results = await Promise.allSettled(inFlight);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    expect(refused.code).toBe(status.UNAVAILABLE);
    await expect(exit).resolves.toEqual({ code: 0, signal: null });
    await fixture.waitForLog((l) => l.msg === 'stopped');
    client.close();
    late.close();
  });

  it('ends an open stream with UNAVAILABLE and its reason on SIGTERM, and exits 0 without waiting for it', async () => {
    // A stream nothing ends holds the shutdown until this timeout, then the fixture exits 1.
    const fixture = await startFixture({ env: { SHUTDOWN_TIMEOUT_MS: '20000' } });
    started.push(fixture);
    const client = fixtureClient(fixture.grpcAddress, { deadlineMs: 60_000 });
    const received: number[] = [];
    const ended = new Promise<ServiceError>((resolve) =>
      client.service.countUp({ count: 100_000, intervalMs: 20 }).subscribe({
        next: ({ n }) => received.push(n),
        error: (error: ServiceError) => resolve(error),
      }),
    );
    await eventually(() => (received.length >= 2 ? true : undefined), 'the stream to be counting');

    await expect(fixture.stop('SIGTERM')).resolves.toEqual({ code: 0, signal: null });
    const { code, metadata } = await ended;
    expect([code, decodeStatusDetails(metadata)?.errorInfo?.reason]).toEqual([
      status.UNAVAILABLE,
      'FIXTURE.SHUTTING_DOWN',
    ]);
    client.close();
  }, 60_000);

  it('exits 0 on SIGTERM when nobody reads its output any more', async () => {
    const fixture = await startFixture();
    started.push(fixture);
    // The reader goes, as when the process that started the service died: every log write now fails
    // with EPIPE. pino's exit-time flush used to retry that forever, so the service never exited.
    fixture.child.stdout?.destroy();

    await expect(fixture.stop('SIGTERM')).resolves.toEqual({ code: 0, signal: null });
  });

  it('exits non-zero when draining exceeds SHUTDOWN_TIMEOUT_MS', async () => {
    const fixture = await startFixture({ env: { SHUTDOWN_TIMEOUT_MS: '300' } });
    const client = fixtureClient(fixture.grpcAddress, { deadlineMs: 20_000 });
    const stuck = firstValueFrom(client.service.echo(slowEcho('stuck', 15_000))).catch((e: unknown) => e);
    await fixture.waitForLog((l) => l.msg === 'echo');

    await expect(fixture.stop('SIGTERM')).resolves.toEqual({ code: 1, signal: null });
    expect(fixture.logs.some((l) => l.msg === 'shutdown timed out; exiting with calls still open')).toBe(
      true,
    );
    await expect(stuck).resolves.toMatchObject({ code: status.UNAVAILABLE });
    client.close();
  });
});
