import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  DeliveryStatus,
  NotificationDefinition,
  type NotificationClient,
  type NotificationRecord,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built notification service as a real process; a fast poll keeps delivery tests short. */
export function startNotification(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    entry: ENTRY,
    env: { DELIVERY_POLL_INTERVAL_MS: '20', ...env },
  });
}

export function notificationClient(address: string): GrpcClient<NotificationClient> {
  return createGrpcClient<NotificationClient>(NotificationDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs: 5_000,
  });
}

/** Polls GetNotification until the record left PENDING (delivered or dead-lettered). */
export async function settled(
  client: NotificationClient,
  id: string,
  timeoutMs = 10_000,
): Promise<NotificationRecord> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { notification } = await firstValueFrom(client.getNotification({ id }));
    if (notification && notification.status !== DeliveryStatus.DELIVERY_STATUS_PENDING) return notification;
    if (Date.now() > until) throw new Error(`notification ${id} still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The error a call ends with (shared by every service's process tests). */
export { failure } from '@iot-mesh/platform/testing';
