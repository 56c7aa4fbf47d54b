import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  DeliveryStatus,
  NotificationDefinition,
  type NotificationClient,
  type NotificationRecord,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom, type Observable } from 'rxjs';
import type { ServiceError } from '@grpc/grpc-js';

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

export async function failure<T>(call: Observable<T>): Promise<ServiceError> {
  try {
    await firstValueFrom(call);
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}
