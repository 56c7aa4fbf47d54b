import { Metadata, status } from '@grpc/grpc-js';
import {
  NotFoundError,
  RelayedGrpcError,
  ResourceExhaustedError,
  toGrpcError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '@iot-mesh/platform';
import { fromDownstream } from '../downstream/downstream-error.js';
import { httpStatusOf } from './grpc-http-status.js';
import { toHttpError } from './http-error.js';

describe('REST errors', () => {
  it.each([
    [status.INVALID_ARGUMENT, 400],
    [status.FAILED_PRECONDITION, 400],
    [status.OUT_OF_RANGE, 400],
    [status.UNAUTHENTICATED, 401],
    [status.PERMISSION_DENIED, 403],
    [status.NOT_FOUND, 404],
    [status.ALREADY_EXISTS, 409],
    [status.ABORTED, 409],
    [status.RESOURCE_EXHAUSTED, 429],
    [status.CANCELLED, 499],
    [status.INTERNAL, 500],
    [status.UNIMPLEMENTED, 501],
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 504],
  ])('maps gRPC %i to HTTP %i as grpc-gateway does', (code, http) => {
    expect(httpStatusOf(code)).toBe(http);
  });

  it('lists field violations of invalid input', () => {
    const error = toHttpError(
      new ValidationError([{ field: 'name', reason: 'FIELD.REQUIRED', description: 'must not be empty' }]),
    );
    expect(error.statusCode).toBe(400);
    expect(error.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', details: [{ field: 'name' }] });
  });

  it("names fields by their JSON path in the details and the message, a service's answer too", () => {
    const violations = [
      {
        field: 'readings[0].custom_sensor',
        reason: 'READING.CUSTOM_SENSOR_REQUIRED',
        description: 'required',
      },
      { field: 'labels.site_id', reason: 'FIELD.TOO_LONG', description: 'too long' },
    ];
    const expected = {
      message: 'readings[0].customSensor: required; labels.site_id: too long',
      details: [
        expect.objectContaining({ field: 'readings[0].customSensor' }),
        expect.objectContaining({ field: 'labels.site_id' }),
      ],
    };
    expect(toHttpError(new ValidationError(violations)).body.error).toMatchObject(expected);
    const grpc = toGrpcError(new ValidationError(violations, 'READINGS.INVALID'));
    const relayed = toHttpError(
      new RelayedGrpcError(grpc.code, grpc.details, grpc.metadata, 'data-processor'),
    );
    expect(relayed.body.error).toMatchObject({
      ...expected,
      reason: 'READINGS.INVALID',
      service: 'data-processor',
    });
  });

  it('adds Retry-After to 429 and names the unavailable service in 503', () => {
    expect(
      toHttpError(new ResourceExhaustedError('RATE_LIMIT.EXCEEDED', 'slow down', 1_200)).retryAfterSeconds,
    ).toBe(2);
    const unavailable = toHttpError(
      new UnavailableError('DOWNSTREAM.UNAVAILABLE', 'alert-manager is unavailable', {
        service: 'alert-manager',
      }),
    );
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.body.error.service).toBe('alert-manager');
    // A downstream that did not answer in time is a 504, as grpc-gateway maps DEADLINE_EXCEEDED.
    const slow = toHttpError(
      fromDownstream(
        'sensor-ingestion',
        'IngestBatch',
        Object.assign(new Error('deadline'), { code: status.DEADLINE_EXCEEDED }),
      ),
    );
    expect([
      slow.statusCode,
      slow.body.error.status,
      slow.body.error.reason,
      slow.body.error.service,
    ]).toEqual([504, 'DEADLINE_EXCEEDED', 'DOWNSTREAM.TIMEOUT', 'sensor-ingestion']);
    expect(toHttpError(new UnauthenticatedError('AUTH.INVALID_KEY', 'invalid API key')).statusCode).toBe(401);
  });

  it('says why a service that answered UNAVAILABLE itself cannot serve, without its internal message', () => {
    const grpc = toGrpcError(
      new UnavailableError('STORAGE.UNAVAILABLE', 'database unavailable: connect ECONNREFUSED 10.0.0.7:5432'),
    );
    const answered = toHttpError(
      fromDownstream('alert-manager', 'ListRules', Object.assign(new Error(grpc.details), grpc)),
    );
    expect([answered.statusCode, answered.body.error.reason, answered.body.error.service]).toEqual([
      503,
      'DOWNSTREAM.UNAVAILABLE',
      'alert-manager',
    ]);
    expect(answered.body.error.message).toBe(
      'alert-manager is unavailable: its database cannot be reached (STORAGE.UNAVAILABLE)',
    );
    // Unreachable, it says nothing more than that.
    const unreachable = fromDownstream(
      'alert-manager',
      'ListRules',
      Object.assign(new Error('No connection established'), {
        code: status.UNAVAILABLE,
        metadata: new Metadata(),
      }),
    );
    expect(unreachable.message).toBe('alert-manager is unavailable');
  });

  it("says only that a service cannot serve for a reason it does not know, Object.prototype's names too", () => {
    for (const reason of ['SOMETHING.NEW', 'constructor', 'toString', '__proto__']) {
      const grpc = toGrpcError(new UnavailableError(reason, 'internal words'));
      const error = fromDownstream(
        'alert-manager',
        'ListRules',
        Object.assign(new Error(grpc.details), grpc),
      );
      expect(error.message).toBe(`alert-manager is unavailable: it cannot serve now (${reason})`);
    }
  });

  it('relays a downstream answer with its reason and field violations', () => {
    const grpc = toGrpcError(new NotFoundError('DEVICE.NOT_FOUND', 'device d not found'));
    const mapped = toHttpError(
      new RelayedGrpcError(grpc.code, grpc.details, grpc.metadata, 'device-registry'),
    );
    expect(mapped.statusCode).toBe(404);
    expect(mapped.body.error).toMatchObject({ reason: 'DEVICE.NOT_FOUND', service: 'device-registry' });
    expect(
      toHttpError(new RelayedGrpcError(status.INVALID_ARGUMENT, 'x', new Metadata(), 'sensor-ingestion'))
        .statusCode,
    ).toBe(400);
  });

  it('maps framework errors and hides internal ones', () => {
    const tooLarge = toHttpError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 });
    // A limit on what the caller sent: RESOURCE_EXHAUSTED, as gRPC's own message size limit.
    expect([tooLarge.statusCode, tooLarge.body.error.status]).toEqual([413, 'RESOURCE_EXHAUSTED']);
    expect(toHttpError({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }).statusCode).toBe(415);
    expect(toHttpError({ code: 'FST_ERR_CTP_INVALID_JSON_BODY', statusCode: 400 }).body.error.reason).toBe(
      'HTTP.MALFORMED_JSON',
    );
    // A path segment past the router's limit: Fastify's message quotes the whole URL.
    const url = `/api/v1/devices/${'a'.repeat(12_000)}`;
    const tooLong = toHttpError({
      code: 'FST_ERR_MAX_PARAM_LENGTH',
      statusCode: 414,
      message: `'${url}' is exceeding the max param length`,
    });
    expect([tooLong.statusCode, tooLong.body.error.status, tooLong.body.error.reason]).toEqual([
      414,
      'RESOURCE_EXHAUSTED',
      'HTTP.URI_TOO_LONG',
    ]);
    expect(tooLong.body.error.message).not.toContain('aaa');
    // Any other 4xx of the framework keeps its status; its message is bounded as the services bound theirs.
    const other = toHttpError({ statusCode: 431, message: `'${url}' is too much` });
    expect([other.statusCode, other.body.error.message.length]).toEqual([431, 500]);
    const internal = toHttpError(new TypeError('secret stack detail'));
    expect(internal.statusCode).toBe(500);
    expect(JSON.stringify(internal.body)).not.toContain('secret');
  });
});
