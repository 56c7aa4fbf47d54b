import { status } from '@grpc/grpc-js';
import { FailureStreakLog, methodPathParts, type CallEndListener } from '@iot-mesh/platform';
import type { Logger } from 'pino';
import type { DownstreamName } from '../config.js';
import { grpcStatusName } from '../http/grpc-http-status.js';

/** The codes the gateway answers with 503 or 504 because the downstream could not (see downstream-error.ts). */
const OUTAGE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

/**
 * How long a downstream must go without such a failure before it counts as back: some calls succeed
 * during an outage (a service that is slow rather than down, one replica of several), and each would
 * otherwise end the streak, so that the next failure was logged again.
 */
export const OUTAGE_QUIET_MS = 10_000;

/**
 * Logs a downstream's outage: one line when the gateway's calls to it start failing with UNAVAILABLE or
 * DEADLINE_EXCEEDED (which its callers get as 503 or 504), naming the service, the method and the code,
 * and one when it answers again; nothing per request. A call the gateway cancelled itself (its client
 * left) says nothing about the downstream and counts neither way. Before, the gateway answered 503 to
 * every request of an outage and logged nothing at all.
 */
export function downstreamOutageLog(
  service: DownstreamName,
  logger: Logger,
  now: () => number = Date.now,
): CallEndListener {
  const streak = new FailureStreakLog(logger.child({ downstream: service }), `calling ${service}`, 'error', {
    quietMs: OUTAGE_QUIET_MS,
    now,
  });
  return (path, { code, details }) => {
    if (OUTAGE.has(code)) {
      // The status's text as the error: an Error made here would carry only this function's stack.
      streak.failed(details, { grpc_method: methodPathParts(path).method, grpc_code: grpcStatusName(code) });
    } else if (code !== status.CANCELLED) {
      streak.succeeded();
    }
  };
}
