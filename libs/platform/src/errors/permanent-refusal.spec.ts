import { Metadata, status } from '@grpc/grpc-js';
import { FailedPreconditionError } from './failed-precondition.error.js';
import { toGrpcError } from './grpc-status.mapper.js';
import { isPermanentRefusal, refusalText } from './permanent-refusal.js';
import { ValidationError } from './validation.error.js';

/** A failed call's error as a grpc-js client gets it. */
const failed = (code: status, details = 'refused (test)', metadata = new Metadata()) =>
  Object.assign(new Error(`${code} ${details}`), { code, details, metadata });

describe('isPermanentRefusal', () => {
  it('holds for answers about the request itself', () => {
    for (const code of [status.INVALID_ARGUMENT, status.ALREADY_EXISTS, status.FAILED_PRECONDITION]) {
      expect(isPermanentRefusal(failed(code))).toBe(true);
    }
  });

  it('does not hold for failures worth a retry, nor for answers of the deployment', () => {
    for (const code of [
      status.UNAVAILABLE,
      status.DEADLINE_EXCEEDED,
      status.RESOURCE_EXHAUSTED,
      status.ABORTED,
      status.INTERNAL,
      status.UNKNOWN,
      status.CANCELLED,
      status.PERMISSION_DENIED,
      status.UNAUTHENTICATED,
      status.NOT_FOUND,
      status.UNIMPLEMENTED,
    ]) {
      expect(isPermanentRefusal(failed(code))).toBe(false);
    }
  });

  it('does not hold for anything that is not a failed call', () => {
    for (const error of [new Error('boom'), undefined, null, 'INVALID_ARGUMENT', { code: '3' }]) {
      expect(isPermanentRefusal(error)).toBe(false);
    }
  });
});

describe('refusalText', () => {
  it('names the code, the ErrorInfo reason and the message', () => {
    const violation = {
      field: 'readings[0].sensor_type',
      reason: 'ENUM.INVALID',
      description: 'unknown value 12',
    };
    const { code, details, metadata } = toGrpcError(new ValidationError([violation], 'READINGS.INVALID'));
    expect(refusalText(failed(code, details, metadata))).toBe(
      'InvalidArgument READINGS.INVALID: readings[0].sensor_type: unknown value 12',
    );
    const precondition = toGrpcError(new FailedPreconditionError('CHANNEL.OFF', 'email is not configured'));
    expect(refusalText(failed(precondition.code, precondition.details, precondition.metadata))).toBe(
      'FailedPrecondition CHANNEL.OFF: email is not configured',
    );
  });

  it('does without a reason when the server sent no details', () => {
    expect(refusalText(failed(status.ALREADY_EXISTS, 'key reused'))).toBe('AlreadyExists: key reused');
  });
});
