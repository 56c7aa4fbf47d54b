import { status, type ServiceError } from '@grpc/grpc-js';
import { grpcCodeName } from '../grpc/grpc-code-names.js';
import { decodeStatusDetails } from './grpc-status.details.js';
import { isServiceError } from './service-error.js';

// Answers about the request itself, which every retry of the same request gets again:
// - INVALID_ARGUMENT: it breaks the service's rules.
// - ALREADY_EXISTS: it names something that exists as something else.
// - FAILED_PRECONDITION: the service is not set up for it, which only an operator changes.
// Anything else is worth a retry. PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND and UNIMPLEMENTED
// mostly come from the deployment (a mesh authorization policy, a wrong address, a server not
// upgraded yet): they refuse every request alike and end once that is fixed, so setting requests
// aside on them would drop everything sent in the meantime.
const REFUSED_FOR_GOOD = new Set<number>([
  status.INVALID_ARGUMENT,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
]);

/**
 * Whether a failed call was refused for good: retrying the same request cannot succeed, so it is to
 * be set aside (dead-lettered) for an operator rather than retried.
 */
export const isPermanentRefusal = (error: unknown): error is ServiceError =>
  isServiceError(error) && REFUSED_FOR_GOOD.has(error.code);

/**
 * What a refusal said, on one line: its code, its ErrorInfo reason when the server sent one, and its
 * message ("InvalidArgument READINGS.INVALID: readings[0].sensor_type: unknown value 12").
 */
export function refusalText(error: ServiceError): string {
  const reason = decodeStatusDetails(error.metadata)?.errorInfo?.reason;
  return `${grpcCodeName(error.code)}${reason ? ` ${reason}` : ''}: ${error.details}`;
}
