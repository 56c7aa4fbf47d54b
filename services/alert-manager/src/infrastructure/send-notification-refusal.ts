import { isPermanentRefusal, refusalText } from '@iot-mesh/platform';
import { NotificationRejectedError } from '../notifications/notification-sender.port.js';

// SendNotification's answers about the notification itself, the ones isPermanentRefusal names. An
// outbox entry never changes, so every retry would get the same answer:
// - INVALID_ARGUMENT: its fields break the service's rules (NOTIFICATION.INVALID).
// - ALREADY_EXISTS: its idempotency key already names another notification
//   (NOTIFICATION.IDEMPOTENCY_KEY_REUSED); a retry of the same one is answered as a duplicate instead.
// - FAILED_PRECONDITION: its channel is not configured on the service (NOTIFICATION.CHANNEL_NOT_CONFIGURED),
//   which only an operator changes; the service dead-letters its own records of such a channel too.
// Anything else is retried. SendNotification never answers PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND
// or UNIMPLEMENTED itself: they come from the deployment (a mesh authorization policy, a wrong
// NOTIFICATION_ADDRESS, a service not upgraded yet), refuse every entry alike and end once it is fixed,
// so dead-lettering on them would drop every notification of the meantime.

/**
 * A SendNotification failure that must not be retried, as a NotificationRejectedError saying why
 * ("InvalidArgument NOTIFICATION.INVALID: subject: must be at most 200 characters"); else undefined.
 */
export function refusalOf(error: unknown): NotificationRejectedError | undefined {
  return isPermanentRefusal(error) ? new NotificationRejectedError(refusalText(error)) : undefined;
}
