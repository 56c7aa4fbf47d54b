import { Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { toGrpcError, toServiceDefinition, ValidationError, type GrpcErrorObject } from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  DeviceStatus,
  type GetDeviceRequest,
  type GetDeviceResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  DeliveryStatus,
  NotificationDefinition,
  type SendNotificationRequest,
  type SendNotificationResponse,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { sendNotificationViolations } from '../src/notifications/domain/testing/send-notification.rules.js';

// Small real gRPC servers standing in for the services the alert manager calls: they record
// every call and can be told to fail.

/** A bare status, or one with details as a service sends it (toGrpcError). */
export type StubFailure = status | GrpcErrorObject;

export interface Stub<TRequest> {
  readonly address: string;
  readonly calls: TRequest[];
  /** The calls answered with success. */
  readonly accepted: TRequest[];
  /** When set, every call fails with this status. */
  failWith: status | undefined;
  /** When set, a call fails with what it returns for the request, if anything. */
  failWhen: ((request: TRequest) => StubFailure | undefined) | undefined;
  stop(): Promise<void>;
}

const isFailure = <T>(result: T | StubFailure): result is StubFailure =>
  typeof result === 'number' || (typeof result === 'object' && result !== null && 'code' in result);

async function serve<TRequest, TResponse>(
  definition: Parameters<typeof toServiceDefinition>[0],
  method: string,
  answer: (request: TRequest) => TResponse | StubFailure,
  port: number,
): Promise<Stub<TRequest>> {
  const server = new Server();
  const stub: Stub<TRequest> = {
    address: '',
    calls: [],
    accepted: [],
    failWith: undefined,
    failWhen: undefined,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
  const handler = (call: ServerUnaryCall<TRequest, TResponse>, callback: sendUnaryData<TResponse>) => {
    stub.calls.push(call.request);
    const result = stub.failWith ?? stub.failWhen?.(call.request) ?? answer(call.request);
    if (isFailure(result)) {
      callback(typeof result === 'number' ? { code: result, details: 'stub says no' } : result);
      return;
    }
    stub.accepted.push(call.request);
    callback(null, result);
  };
  server.addService(toServiceDefinition(definition), { [method]: handler });
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return Object.assign(stub, { address: `127.0.0.1:${bound}` });
}

/**
 * DeviceRegistry.GetDevice answering from `devices` (id → type), each ACTIVE unless `statuses` (which
 * tests change) says otherwise; NOT_FOUND for the rest.
 */
export async function startRegistryStub(devices: Record<string, SensorType>, port = 0) {
  const statuses: Record<string, DeviceStatus> = {};
  const stub = await serve<GetDeviceRequest, GetDeviceResponse>(
    DeviceRegistryDefinition,
    'GetDevice',
    ({ id }) => {
      const type = devices[id];
      if (type === undefined) return status.NOT_FOUND;
      return {
        device: {
          id,
          name: id,
          type,
          customType: '',
          location: { site: '', zone: '', latitude: 0, longitude: 0 },
          ownerEmail: 'ops@example.com',
          status: statuses[id] ?? DeviceStatus.DEVICE_STATUS_ACTIVE,
          labels: {},
        },
      };
    },
    port,
  );
  return Object.assign(stub, { statuses });
}

/**
 * Notification.SendNotification accepting what the notification service's validation would (else
 * INVALID_ARGUMENT as it answers it); a repeated key is answered as a duplicate.
 */
export function startNotificationStub(port = 0) {
  const seen = new Set<string>();
  return serve<SendNotificationRequest, SendNotificationResponse>(
    NotificationDefinition,
    'SendNotification',
    (request) => {
      const violations = sendNotificationViolations(request);
      if (violations.length > 0) return toGrpcError(new ValidationError(violations, 'NOTIFICATION.INVALID'));
      const duplicate = seen.has(request.idempotencyKey);
      seen.add(request.idempotencyKey);
      return {
        duplicate,
        notification: {
          id: `n-${seen.size}`,
          idempotencyKey: request.idempotencyKey,
          kind: request.kind,
          channel: request.channel,
          recipient: request.recipient,
          subject: request.subject,
          body: request.body,
          attributes: request.attributes,
          status: DeliveryStatus.DELIVERY_STATUS_PENDING,
          attempts: 0,
          lastError: '',
          orderingKey: request.orderingKey,
        },
      };
    },
    port,
  );
}

/** How many calls carried each idempotency key. */
export function countByKey(calls: readonly SendNotificationRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.idempotencyKey] = (counts[call.idempotencyKey] ?? 0) + 1;
  return counts;
}
