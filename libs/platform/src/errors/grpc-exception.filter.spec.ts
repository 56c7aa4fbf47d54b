import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { pino } from 'pino';
import { firstValueFrom } from 'rxjs';
import { GrpcExceptionFilter } from './grpc-exception.filter.js';
import { DownstreamUnavailableError } from './downstream-unavailable.error.js';
import { decodeStatusDetails } from './grpc-status.details.js';
import { toGrpcError } from './grpc-status.mapper.js';
import { NotFoundError } from './not-found.error.js';
import { RelayedGrpcError } from './relayed-grpc.error.js';
import { UnavailableError } from './unavailable.error.js';
import { ValidationError } from './validation.error.js';

const filter = new GrpcExceptionFilter(pino({ level: 'silent' }));
const statusOf = (exception: unknown) => firstValueFrom(filter.catch(exception)).catch((e: unknown) => e);

describe('GrpcExceptionFilter', () => {
  it('maps domain errors by kind, with details', async () => {
    const error = await statusOf(
      new NotFoundError('DEVICE.NOT_FOUND', 'device d1 not found', { device_id: 'd1' }),
    );
    expect(error).toMatchObject({ code: status.NOT_FOUND, details: 'device d1 not found' });
    expect(decodeStatusDetails((error as { metadata: never }).metadata)?.errorInfo?.metadata).toEqual({
      device_id: 'd1',
    });
  });

  it('joins every field violation into the message of INVALID_ARGUMENT', async () => {
    const violations = [
      { field: 'value', reason: 'READING.NOT_FINITE', description: 'must be a finite number' },
      { field: 'unit', reason: 'READING.UNIT', description: 'unknown unit' },
    ];
    await expect(statusOf(new ValidationError(violations))).resolves.toMatchObject({
      code: status.INVALID_ARGUMENT,
      details: 'value: must be a finite number; unit: unknown unit',
    });
  });

  it('keeps the trailers small whatever the request held: long values cut, the first 20 violations listed', async () => {
    const echoed = 'x'.repeat(40_000);
    const violations = Array.from({ length: 1000 }, (_, i) => ({
      field: `readings[${i}].unit`,
      reason: 'READING.UNIT',
      description: `unknown unit ${echoed}`,
    }));
    const error = (await statusOf(new ValidationError(violations, 'READINGS.INVALID', { unit: echoed }))) as {
      details: string;
      metadata: { get(key: string): unknown[] };
    };
    expect(error.details.length).toBeLessThanOrEqual(500);
    const trailer = error.metadata.get('grpc-status-details-bin')[0] as Buffer;
    expect(trailer.length).toBeLessThan(10_000);
    const decoded = decodeStatusDetails(error.metadata as never);
    expect(decoded?.badRequest?.fieldViolations).toHaveLength(20);
    expect(decoded?.badRequest?.fieldViolations[0]?.description).toHaveLength(200);
    expect(decoded?.errorInfo?.metadata['unit']).toHaveLength(200);
    // Short violations keep their count in the message.
    const many = Array.from({ length: 25 }, (_, i) => ({ field: `f${i}`, reason: 'R', description: 'bad' }));
    expect(new ValidationError(many).message).toMatch(/; f19: bad; and 5 more$/);
  });

  it.each([status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.RESOURCE_EXHAUSTED, status.CANCELLED])(
    'passes downstream status %i through',
    async (code) => {
      await expect(statusOf({ code, details: 'downstream said so' })).resolves.toMatchObject({
        code,
        details: 'downstream said so',
      });
      await expect(statusOf(new RpcException({ code, message: 'x' }))).resolves.toMatchObject({ code });
    },
  );

  it('tells the caller not to retry only a DownstreamUnavailableError', async () => {
    const pushback = async (exception: unknown) =>
      ((await statusOf(exception)) as { metadata: { get(key: string): unknown[] } }).metadata.get(
        'grpc-retry-pushback-ms',
      );
    // Its downstream failed after this service's own retries: a retry at every hop multiplies them.
    await expect(
      pushback(new DownstreamUnavailableError('PROCESSOR.UNAVAILABLE', 'data processor did not answer')),
    ).resolves.toEqual(['-1']);
    // The service itself (its store for a moment, its shutdown), or a downstream it could not reach (a
    // restart): another attempt may well get through.
    await expect(
      pushback({ code: status.UNAVAILABLE, details: 'No connection established' }),
    ).resolves.toEqual([]);
    await expect(
      pushback(new UnavailableError('STORAGE.UNAVAILABLE', 'database unavailable')),
    ).resolves.toEqual([]);
    await expect(pushback({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' })).resolves.toEqual(
      [],
    );
  });

  it('relays a downstream answer unchanged, with its status details', async () => {
    const downstream = toGrpcError(
      new ValidationError([{ field: 'value', reason: 'R', description: 'bad' }]),
    );
    const relayed = new RelayedGrpcError(
      downstream.code,
      downstream.details,
      downstream.metadata,
      'sensor-ingestion',
    );
    const error = await statusOf(relayed);
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'value: bad' });
    expect(
      decodeStatusDetails((error as { metadata: never }).metadata)?.badRequest?.fieldViolations,
    ).toHaveLength(1);
  });

  it('hides other failures behind INTERNAL', async () => {
    await expect(
      statusOf({ code: status.INVALID_ARGUMENT, details: 'their bad request' }),
    ).resolves.toMatchObject({
      code: status.INTERNAL,
      details: 'internal error',
    });
    await expect(statusOf(new TypeError('x is undefined'))).resolves.toMatchObject({ code: status.INTERNAL });
  });
});
