import { UnavailableError } from '@iot-mesh/platform';

/**
 * How live events end on shutdown: UNAVAILABLE, which a watcher retries (on another replica, or this one
 * once back) from its last sequence. An OK end would read as a normal end, and nobody would resume.
 */
export const alertManagerShuttingDown = (): UnavailableError =>
  new UnavailableError(
    'ALERT_MANAGER.SHUTTING_DOWN',
    'the alert manager is shutting down: reconnect and resume after the last event received',
  );
