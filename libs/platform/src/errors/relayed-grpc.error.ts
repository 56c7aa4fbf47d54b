import type { Metadata } from '@grpc/grpc-js';

/**
 * A downstream service's answer that the caller should see unchanged (INVALID_ARGUMENT with its
 * field violations, NOT_FOUND, ...): the gateway relays it instead of hiding it behind INTERNAL.
 */
export class RelayedGrpcError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    readonly metadata: Metadata | undefined,
    /** Which downstream answered. */
    readonly service: string,
  ) {
    super(details);
    this.name = 'RelayedGrpcError';
  }
}
