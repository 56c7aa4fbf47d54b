import { status } from '@grpc/grpc-js';

// The mapping grpc-gateway uses (runtime.HTTPStatusFromCode), so REST clients see familiar statuses.
const HTTP_BY_GRPC: Record<number, number> = {
  [status.OK]: 200,
  [status.CANCELLED]: 499,
  [status.UNKNOWN]: 500,
  [status.INVALID_ARGUMENT]: 400,
  [status.DEADLINE_EXCEEDED]: 504,
  [status.NOT_FOUND]: 404,
  [status.ALREADY_EXISTS]: 409,
  [status.PERMISSION_DENIED]: 403,
  [status.RESOURCE_EXHAUSTED]: 429,
  [status.FAILED_PRECONDITION]: 400,
  [status.ABORTED]: 409,
  [status.OUT_OF_RANGE]: 400,
  [status.UNIMPLEMENTED]: 501,
  [status.INTERNAL]: 500,
  [status.UNAVAILABLE]: 503,
  [status.DATA_LOSS]: 500,
  [status.UNAUTHENTICATED]: 401,
};

export const httpStatusOf = (grpcCode: number): number => HTTP_BY_GRPC[grpcCode] ?? 500;

/** "INVALID_ARGUMENT" for 3, as google.rpc.Code names it. */
export const grpcStatusName = (grpcCode: number): string =>
  (status as unknown as Record<number, string | undefined>)[grpcCode] ?? 'UNKNOWN';
