import { status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import { toGrpcError } from '../errors/grpc-status.mapper.js';
import { UndecodableRequest } from './package-definition.js';

/**
 * grpc-js answers a call of a single-request method (unary or server streaming) that carries no request
 * message, or a second one, with UNIMPLEMENTED ("Received no request message for server streaming
 * method ..."), which the alert rules and dashboards count as the server's own fault. It is the
 * caller's: such a call is refused as an undecodable request is, INVALID_ARGUMENT REQUEST.UNDECODABLE.
 */
const MESSAGE_COUNT_ERRORS: ReadonlyArray<[prefix: string, reason: string]> = [
  ['Received no request message for ', 'no request message was sent; this method takes exactly one'],
  [
    'Received a second request message for ',
    'more than one request message was sent; this method takes exactly one',
  ],
];

/** The status to send instead of `sent` when it is grpc-js's refusal of the request's message count. */
export function requestCountRefusal(sent: Pick<StatusObject, 'code' | 'details'>) {
  if (sent.code !== GrpcStatus.UNIMPLEMENTED) return undefined;
  const match = MESSAGE_COUNT_ERRORS.find(([prefix]) => sent.details.startsWith(prefix));
  return match && toGrpcError(new UndecodableRequest(match[1]).error);
}
