import { UnavailableError } from '@iot-mesh/platform';

/** How a long-lived call ends when the gateway shuts down: UNAVAILABLE, which clients retry elsewhere. */
export function gatewayShuttingDown(advice: string): UnavailableError {
  return new UnavailableError('GATEWAY.SHUTTING_DOWN', `the gateway is shutting down: ${advice}`);
}
