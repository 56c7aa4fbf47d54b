import { status } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { pino } from 'pino';
import { firstValueFrom } from 'rxjs';
import { GrpcExceptionFilter } from './grpc-exception.filter.js';
import { decodeStatusDetails } from './grpc-status.details.js';
import { toGrpcError } from './grpc-status.mapper.js';
import { NotFoundError } from './not-found.error.js';
import { RelayedGrpcError } from './relayed-grpc.error.js';
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
