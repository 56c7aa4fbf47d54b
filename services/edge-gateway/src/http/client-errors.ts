import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { status } from '@grpc/grpc-js';
import { httpError, type HttpError } from './http-error.js';

/** The raw HTTP/1.1 answer to a request Node could not parse: the API's error JSON, then close. */
function rawAnswer({ statusCode, body: error }: HttpError): string {
  const body = JSON.stringify(error);
  return (
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode] ?? ''}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

/**
 * Fastify's `clientErrorHandler`: requests that never reach a route (headers over Node's limit,
 * a method or request line that is not HTTP) get the same error JSON as every other refusal, not
 * Fastify's own shape. A connection already reset gets nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    error.code === 'HPE_HEADER_OVERFLOW'
      ? rawAnswer(
          httpError(
            status.RESOURCE_EXHAUSTED,
            'HTTP.HEADERS_TOO_LARGE',
            'the request headers are too large',
            {},
            431,
          ),
        )
      : rawAnswer(
          httpError(status.INVALID_ARGUMENT, 'HTTP.MALFORMED_REQUEST', 'the request is not valid HTTP/1.1'),
        ),
  );
}

/** CONNECT is not a method the API takes; Node would close the connection without a word. */
export function refuseConnect(socket: Duplex): void {
  // UNIMPLEMENTED, as the routes' own 405s (grpc-gateway's choice).
  socket.end(
    rawAnswer(
      httpError(status.UNIMPLEMENTED, 'HTTP.METHOD_NOT_ALLOWED', 'CONNECT is not served here', {}, 405),
    ),
  );
}
