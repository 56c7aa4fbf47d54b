import type { ServiceError } from '@grpc/grpc-js';

/** A failed gRPC call's error (or one shaped like it), with its status code. */
export const isServiceError = (error: unknown): error is ServiceError =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number';
