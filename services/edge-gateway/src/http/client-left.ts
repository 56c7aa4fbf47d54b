import type { FastifyReply } from 'fastify';

/** The status of a request whose client left before the answer was complete: nginx's "client closed request". */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Calls `left` once if the connection closes before the response was complete: the client gave up
 * (a timeout, a closed tab) or an event stream was closed by its client. Fastify's onRequestAbort misses
 * most of these: Node marks a request aborted only while its body is still being read, so a POST whose
 * client left while the gateway waited on a downstream went unnoticed; and onResponse waits for
 * 'finish', which such a response never reaches.
 */
export function whenClientLeaves(reply: FastifyReply, left: () => void): void {
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) left();
  });
}
