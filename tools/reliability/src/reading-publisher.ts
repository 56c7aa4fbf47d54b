import { setTimeout as sleep } from 'node:timers/promises';
import { status, type ServiceError } from '@grpc/grpc-js';
import { grpcCodeName, timestampFromMillis } from '@iot-mesh/platform';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { apiKeyMetadata } from './grpc-clients.js';

export interface PublishingDevice {
  deviceId: string;
  apiKey: string;
  /** The value every reading of this device carries (e.g. hot enough to fire a rule). */
  value: number;
}

export interface PublishFigures {
  /** Distinct readings the devices tried to publish. */
  sent: number;
  /** Reading ids the gateway acknowledged, per device. */
  acked: Map<string, Set<string>>;
  /** Acks that said "duplicate": an earlier attempt had gone through after all. */
  duplicateAcks: number;
  /** Calls that ended in an error after the client's own retries. */
  failedCalls: number;
  errorsByCode: Record<string, number>;
  /** Readings refused for good (not retryable) or given up on. */
  lost: number;
}

/** Errors a device waits out and retries with the same reading id. */
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);
const GIVE_UP_AFTER_MS = 90_000;

/**
 * Devices publishing single readings over gRPC in closed loops (`lanes` calls in flight each),
 * retrying failed calls with the same reading id until acknowledged, as a well-behaved device does.
 * All readings carry one timestamp so they land in one window per device.
 */
export function startPublishing(
  client: EdgeGatewayClient,
  devices: readonly PublishingDevice[],
  options: { lanes: number; timestampMs: number; idPrefix: string },
) {
  const figures: PublishFigures = {
    sent: 0,
    acked: new Map(devices.map((d) => [d.deviceId, new Set<string>()])),
    duplicateAcks: 0,
    failedCalls: 0,
    errorsByCode: {},
    lost: 0,
  };
  let stopping = false;

  const publishUntilAcked = async (device: PublishingDevice, reading: Reading) => {
    const metadata = apiKeyMetadata(device.apiKey);
    const giveUpAt = Date.now() + GIVE_UP_AFTER_MS;
    for (let backoffMs = 50; ; backoffMs = Math.min(backoffMs * 2, 1_000)) {
      try {
        const answer = await firstValueFrom(client.publishReading({ reading }, metadata));
        figures.acked.get(device.deviceId)!.add(answer.readingId);
        if (answer.duplicate) figures.duplicateAcks++;
        return;
      } catch (error) {
        const code = (error as ServiceError).code;
        figures.failedCalls++;
        const name = grpcCodeName(code);
        figures.errorsByCode[name] = (figures.errorsByCode[name] ?? 0) + 1;
        if (!RETRYABLE.has(code) || Date.now() > giveUpAt) {
          figures.lost++;
          return;
        }
        await sleep(backoffMs);
      }
    }
  };

  const lane = async (device: PublishingDevice, laneIndex: number) => {
    for (let sequence = 0; !stopping; sequence++) {
      figures.sent++;
      await publishUntilAcked(device, {
        readingId: `${options.idPrefix}-${device.deviceId}-${laneIndex}-${sequence}`,
        deviceId: device.deviceId,
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        value: device.value,
        unit: 'celsius',
        timestamp: timestampFromMillis(options.timestampMs),
        customSensor: '',
      });
    }
  };

  const running = devices.flatMap((device) =>
    Array.from({ length: options.lanes }, (_, index) => lane(device, index)),
  );
  return {
    figures,
    ackedTotal: () => [...figures.acked.values()].reduce((sum, ids) => sum + ids.size, 0),
    /** Stops starting new readings and waits until every started one is acknowledged or lost. */
    stop: async (): Promise<PublishFigures> => {
      stopping = true;
      await Promise.all(running);
      return figures;
    },
  };
}
