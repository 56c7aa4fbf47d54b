import { Metadata, status } from '@grpc/grpc-js';
import { decodeStatusDetails } from '../src/errors/grpc-status.details.js';
import { startFixture } from '../src/testing/fixture-process.js';
import type { ServiceProcess } from '../src/testing/service-process.js';
import { echoError, fixtureClient } from './fixture-client.js';

const failing = (failCode: number) => ({
  message: 'x',
  delayMs: 0,
  failCode,
  failTimes: 0,
  key: `k${failCode}`,
  relay: false,
});

describe('domain errors over real gRPC', () => {
  let fixture: ServiceProcess;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(async () => {
    await fixture.stop('SIGKILL');
  });

  it.each([
    ['INVALID_ARGUMENT', status.INVALID_ARGUMENT, 'REQUEST.INVALID'],
    ['NOT_FOUND', status.NOT_FOUND, 'FIXTURE.NOT_FOUND'],
    ['ALREADY_EXISTS', status.ALREADY_EXISTS, 'FIXTURE.EXISTS'],
    ['FAILED_PRECONDITION', status.FAILED_PRECONDITION, 'FIXTURE.STATE'],
    ['UNAUTHENTICATED', status.UNAUTHENTICATED, 'FIXTURE.NO_KEY'],
    ['PERMISSION_DENIED', status.PERMISSION_DENIED, 'FIXTURE.FORBIDDEN'],
    ['RESOURCE_EXHAUSTED', status.RESOURCE_EXHAUSTED, 'FIXTURE.RATE'],
    ['UNAVAILABLE', status.UNAVAILABLE, 'FIXTURE.DOWN'],
  ])('%s reaches the client with its ErrorInfo reason', async (_name, code, reason) => {
    const client = fixtureClient(fixture.grpcAddress);
    const error = await echoError(client, failing(code));
    client.close();
    expect(error.code).toBe(code);
    const details = decodeStatusDetails(error.metadata);
    expect(details?.code).toBe(code);
    expect(details?.errorInfo).toMatchObject({ reason, domain: 'iot-mesh' });
  });

  it('carries google.rpc.BadRequest field violations for invalid arguments', async () => {
    const client = fixtureClient(fixture.grpcAddress);
    const error = await echoError(client, failing(status.INVALID_ARGUMENT));
    client.close();
    expect(decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations).toEqual([
      { field: 'message', reason: 'FIXTURE.INVALID', description: 'rejected on request' },
    ]);
  });

  it('carries RetryInfo for resource exhaustion', async () => {
    const client = fixtureClient(fixture.grpcAddress);
    const error = await echoError(client, failing(status.RESOURCE_EXHAUSTED));
    client.close();
    expect(decodeStatusDetails(error.metadata)?.retryInfo?.retryDelay).toEqual({
      seconds: 1,
      nanos: 500_000_000,
    });
  });

  it('refuses text holding U+0000 before the handler, naming the field', async () => {
    const client = fixtureClient(fixture.grpcAddress);
    // Asked to succeed: only the request check can refuse it.
    const error = await echoError(client, { ...failing(0), key: 'a\u0000b' });
    client.close();
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    const details = decodeStatusDetails(error.metadata);
    expect(details?.errorInfo?.reason).toBe('REQUEST.INVALID');
    expect(details?.badRequest?.fieldViolations).toEqual([
      {
        field: 'key',
        reason: 'FIELD.NUL_CHARACTER',
        description: 'must not contain the character U+0000 (NUL)',
      },
    ]);
  });

  it('turns an unexpected crash into INTERNAL without leaking its message', async () => {
    const client = fixtureClient(fixture.grpcAddress);
    const error = await echoError(client, failing(status.DATA_LOSS));
    client.close();
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toBe('internal error');
    expect(error.message).not.toContain('secret');
    const logged = await fixture.waitForLog((l) => l.msg === 'unhandled error in gRPC handler');
    expect(JSON.stringify(logged)).toContain('secret internals');
  });

  it('returns undefined details for metadata without them', () => {
    expect(decodeStatusDetails(new Metadata())).toBeUndefined();
  });
});
