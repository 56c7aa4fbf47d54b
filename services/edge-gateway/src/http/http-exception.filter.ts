import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { toHttpError, type HttpError } from './http-error.js';
import { wrongMethod } from './route-methods.js';

/** Sends an HttpError as the response. */
export function sendHttpError(reply: FastifyReply, error: HttpError): void {
  if (error.retryAfterSeconds !== undefined)
    void reply.header('retry-after', String(error.retryAfterSeconds));
  if (error.allow !== undefined) void reply.header('allow', error.allow);
  void reply
    .status(error.statusCode)
    .header('content-type', 'application/json; charset=utf-8')
    .send(error.body);
}

/** REST errors as JSON for every route handled by Nest; unexpected ones are logged, never echoed. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    // Nest wraps Fastify's own errors (bad JSON, body too large) in an HttpException; the cause keeps its code.
    const cause = exception instanceof HttpException ? exception.cause : undefined;
    const mapped =
      exception instanceof HttpException
        ? toHttpError(cause ?? { statusCode: exception.getStatus(), message: exception.message })
        : toHttpError(exception);
    if (mapped.body.error.reason === 'INTERNAL')
      this.logger.error({ err: exception }, 'unhandled error in REST handler');
    // No route for this method: a path the API serves with other methods is a 405, not a 404.
    const otherMethods =
      mapped.body.error.reason === 'HTTP.ROUTE_NOT_FOUND' ? wrongMethod(request) : undefined;
    sendHttpError(reply, otherMethods ? toHttpError(otherMethods) : mapped);
  }
}
