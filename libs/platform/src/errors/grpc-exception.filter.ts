import { Catch, Inject, Injectable, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { throwError, type Observable } from 'rxjs';
import { PLATFORM_LOGGER } from '../bootstrap/platform.tokens.js';
import { DomainError } from './domain-error.js';
import { DownstreamUnavailableError, NO_RETRY_PUSHBACK } from './downstream-unavailable.error.js';
import { toGrpcError, type GrpcErrorObject } from './grpc-status.mapper.js';
import { RelayedGrpcError } from './relayed-grpc.error.js';
import { isServiceError } from './service-error.js';

// Statuses from a downstream call that mean the same thing for our caller and are passed through.
const PASS_THROUGH = new Set<number>([
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.RESOURCE_EXHAUSTED,
  GrpcStatus.CANCELLED,
]);

/**
 * The one place where a service's failures become gRPC statuses: domain errors by their kind,
 * transient downstream failures passed through, anything else INTERNAL without internals.
 */
@Catch()
@Injectable()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  constructor(@Inject(PLATFORM_LOGGER) private readonly logger: Logger) {}

  catch(exception: unknown): Observable<never> {
    return throwError(() => this.toStatus(exception));
  }

  private toStatus(exception: unknown): GrpcErrorObject {
    const known = knownGrpcStatus(exception);
    if (known) return known;
    this.logger.error({ err: exception }, 'unhandled error in gRPC handler');
    return { code: GrpcStatus.INTERNAL, details: 'internal error', metadata: new Metadata() };
  }
}

/**
 * The status a handler's failure is answered with, where a rule covers it: domain errors by their kind,
 * relayed and transient downstream statuses as they came. Anything else is undefined: answered INTERNAL.
 * A DownstreamUnavailableError tells the caller not to retry (downstreamUnavailable says when); every
 * other UNAVAILABLE may be retried.
 */
export function knownGrpcStatus(exception: unknown): GrpcErrorObject | undefined {
  const known = statusOf(exception);
  if (known && exception instanceof DownstreamUnavailableError) known.metadata.set(...NO_RETRY_PUSHBACK);
  return known;
}

function statusOf(exception: unknown): GrpcErrorObject | undefined {
  if (exception instanceof DomainError) return toGrpcError(exception);
  if (exception instanceof RelayedGrpcError) {
    const metadata = new Metadata();
    const details = exception.metadata?.get('grpc-status-details-bin')[0];
    if (details !== undefined) metadata.set('grpc-status-details-bin', details);
    return { code: exception.code, details: exception.details, metadata };
  }
  const error = exception instanceof RpcException ? exception.getError() : exception;
  if (isServiceError(error) && PASS_THROUGH.has(error.code)) {
    return { code: error.code, details: error.details ?? 'downstream failure', metadata: new Metadata() };
  }
  return undefined;
}
