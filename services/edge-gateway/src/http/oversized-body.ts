import type { FastifyInstance } from 'fastify';
import { toHttpError } from './http-error.js';
import { sendHttpError } from './http-exception.filter.js';

/** Up to this many times the limit, a declared body is read and dropped rather than cut off. */
const DISCARD_UP_TO_LIMITS = 16;

/**
 * Answers 413 for a declared Content-Length over the limit before reading the body, and leaves the
 * connection open so that Node reads and drops the body while the client sends it. Fastify's own check
 * closes the connection with the body unread; the kernel then resets it, and a client still uploading
 * saw a broken connection (EPIPE, ECONNRESET) instead of the 413. Far larger bodies still get the close.
 */
export function answerOversizedBodies(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const declared = Number(request.headers['content-length']);
    if (declared > bodyLimit && declared <= bodyLimit * DISCARD_UP_TO_LIMITS) {
      sendHttpError(reply, toHttpError({ code: 'FST_ERR_CTP_BODY_TOO_LARGE' }));
      return;
    }
    done();
  });
}
