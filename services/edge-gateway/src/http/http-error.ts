import { status } from '@grpc/grpc-js';
import {
  bounded,
  decodeStatusDetails,
  DomainError,
  ERROR_TEXT_BOUNDS,
  listViolations,
  RelayedGrpcError,
  ResourceExhaustedError,
  toGrpcError,
  ValidationError,
  type FieldViolation,
} from '@iot-mesh/platform';
import { grpcStatusName, httpStatusOf } from './grpc-http-status.js';
import { jsonFieldPath } from './json-field-path.js';

/** The JSON every REST error has: a stable reason code, the gRPC status name, field problems. */
export interface HttpErrorBody {
  error: {
    code: number;
    status: string;
    reason: string;
    message: string;
    details?: { field: string; reason: string; description: string }[];
    service?: string;
  };
}

export interface HttpError {
  statusCode: number;
  body: HttpErrorBody;
  retryAfterSeconds?: number;
  /** The methods the route takes, for a 405's Allow header. */
  allow?: string;
}

/** A body refused before it is read as JSON: its encoding, charset or bytes. */
export class BodyRefusedError extends Error {
  constructor(
    readonly statusCode: 400 | 415,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A route that exists, but not for the request's HTTP method: 405 naming the methods it takes. */
export class MethodNotAllowedError extends Error {
  constructor(
    readonly allow: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

/**
 * An error answer: its HTTP status from the gRPC code (or given), and the API's error JSON. The message
 * is bounded as the services bound theirs (ERROR_TEXT_BOUNDS): a framework's may echo the request.
 */
export function httpError(
  grpcCode: number,
  reason: string,
  message: string,
  extra: Partial<HttpErrorBody['error']> = {},
  statusCode = httpStatusOf(grpcCode),
): HttpError {
  const error = {
    code: statusCode,
    status: grpcStatusName(grpcCode),
    reason,
    message: bounded(message, ERROR_TEXT_BOUNDS.message),
    ...extra,
  };
  return { statusCode, body: { error } };
}

/** The longest path segment the router takes (Fastify's own limit of 100 refused long ids with a 414). */
export const MAX_PATH_SEGMENT_LENGTH = 1000;

/** A URL with a malformed %-escape, in its path or its query string. */
export const badUrlError = (): HttpError =>
  httpError(status.INVALID_ARGUMENT, 'HTTP.BAD_URL', 'the URL is not valid (a malformed %-escape)');

/** Framework-level failures (Fastify's own errors: body too large, bad JSON, wrong media type). */
function frameworkError(error: {
  code?: string;
  statusCode?: number;
  message?: string;
}): HttpError | undefined {
  switch (error.code) {
    // Limits on what the caller sent (413 here, 414 below, 431 in client-errors.ts), as gRPC's own
    // limits on a message or its metadata are RESOURCE_EXHAUSTED.
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError(
        status.RESOURCE_EXHAUSTED,
        'HTTP.BODY_TOO_LARGE',
        'request body is too large',
        {},
        413,
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpError(
        status.INVALID_ARGUMENT,
        'HTTP.UNSUPPORTED_MEDIA_TYPE',
        'send JSON with Content-Type: application/json',
        {},
        415,
      );
    case 'FST_ERR_BAD_URL':
      return badUrlError();
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return httpError(
        status.RESOURCE_EXHAUSTED,
        'HTTP.URI_TOO_LONG',
        `a segment of the URL path is longer than ${MAX_PATH_SEGMENT_LENGTH} characters`,
        {},
        414,
      );
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return httpError(
        status.INVALID_ARGUMENT,
        'HTTP.BAD_CONTENT_LENGTH',
        'Content-Length does not match the body',
      );
    default:
      if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
        return httpError(status.INVALID_ARGUMENT, 'HTTP.MALFORMED_JSON', 'the body is not valid JSON');
      }
      if (error.statusCode === 404)
        return httpError(status.NOT_FOUND, 'HTTP.ROUTE_NOT_FOUND', 'no such route');
      if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
        return httpError(
          status.INVALID_ARGUMENT,
          'HTTP.BAD_REQUEST',
          error.message ?? 'bad request',
          {},
          error.statusCode,
        );
      }
      return undefined;
  }
}

/** A field problem with its path in the REST API's names. */
const inJsonNames = <V extends FieldViolation>(violation: V): V => ({
  ...violation,
  field: jsonFieldPath(violation.field),
});

/**
 * An error's field problems and message in the REST API's names: the message starts with the problems
 * listed (as ValidationError words it), so that list is written again with the new names.
 */
function restFieldProblems(message: string, violations: readonly FieldViolation[]) {
  const details = violations.map(inJsonNames);
  const asSent = listViolations(violations);
  const restMessage =
    asSent !== '' && message.startsWith(asSent)
      ? listViolations(details) + message.slice(asSent.length)
      : message;
  return { details, message: restMessage };
}

/**
 * Any failure as an HTTP response: domain errors and relayed downstream answers by their gRPC code
 * (grpc-gateway's table), 429 with Retry-After, 503 naming the unavailable service, and 500 without
 * internals for everything else.
 */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof BodyRefusedError) {
    return httpError(status.INVALID_ARGUMENT, error.reason, error.message, {}, error.statusCode);
  }
  if (error instanceof MethodNotAllowedError) {
    return {
      ...httpError(status.UNIMPLEMENTED, 'HTTP.METHOD_NOT_ALLOWED', error.message, {}, 405),
      allow: error.allow.join(', '),
    };
  }
  if (error instanceof ValidationError) {
    const { details, message } = restFieldProblems(error.message, error.violations);
    return httpError(status.INVALID_ARGUMENT, error.code, message, {
      ...(error.metadata['service'] ? { service: error.metadata['service'] } : {}),
      details,
    });
  }
  if (error instanceof DomainError) {
    const mapped = httpError(
      toGrpcError(error).code,
      error.code,
      error.message,
      error.metadata['service'] ? { service: error.metadata['service'] } : {},
    );
    if (error instanceof ResourceExhaustedError && error.retryAfterMs !== undefined) {
      mapped.retryAfterSeconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    }
    return mapped;
  }
  if (error instanceof RelayedGrpcError) {
    const decoded = decodeStatusDetails(error.metadata);
    const reason = decoded?.errorInfo?.reason ?? grpcStatusName(error.code);
    if (!decoded?.badRequest) return httpError(error.code, reason, error.details, { service: error.service });
    const { details, message } = restFieldProblems(error.details, decoded.badRequest.fieldViolations);
    return httpError(error.code, reason, message, { service: error.service, details });
  }
  const framework = typeof error === 'object' && error !== null ? frameworkError(error) : undefined;
  return framework ?? httpError(status.INTERNAL, 'INTERNAL', 'internal error');
}
