import { status as GrpcStatus, type ServerInterceptingCallInterface } from '@grpc/grpc-js';

/** How early before the propagated deadline a cancel still counts as DeadlineExceeded. */
const DEADLINE_SLACK_MS = 100;

/**
 * Whether the call's deadline has passed, as its caller sees it. The caller's own timer cancels the call
 * a transit time before the deadline it sent us runs out here; a cancel that close to the deadline is
 * the deadline.
 */
export function deadlineReached(call: ServerInterceptingCallInterface): boolean {
  const deadline = call.getDeadline();
  const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(deadlineMs) && deadlineMs - Date.now() <= DEADLINE_SLACK_MS;
}

/** The status a cancelled server call ended with. */
export function cancelledCode(call: ServerInterceptingCallInterface): GrpcStatus {
  return deadlineReached(call) ? GrpcStatus.DEADLINE_EXCEEDED : GrpcStatus.CANCELLED;
}
