import { status as GrpcStatus, type ServerInterceptingCallInterface } from '@grpc/grpc-js';

/** How early before the propagated deadline a cancel still counts as DeadlineExceeded. */
const DEADLINE_SLACK_MS = 100;

/**
 * The status a cancelled server call ended with. The caller's own timer cancels the call a transit time
 * before the deadline it sent us runs out here; a cancel that close to the deadline is the deadline.
 */
export function cancelledCode(call: ServerInterceptingCallInterface): GrpcStatus {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  const expired = Number.isFinite(deadlineMs) && deadlineMs - Date.now() <= DEADLINE_SLACK_MS;
  return expired ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED;
}
