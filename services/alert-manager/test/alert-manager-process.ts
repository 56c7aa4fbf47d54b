import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  AlertManagerDefinition,
  Operator,
  Severity,
  type AlertManagerClient,
  type Rule,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built alert manager as a real process, with quick polling so tests need not wait long. */
export function startAlertManager(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    entry: ENTRY,
    env: {
      OUTBOX_POLL_INTERVAL_MS: '100',
      OUTBOX_RETRY_INITIAL_MS: '100',
      OUTBOX_RETRY_MAX_MS: '500',
      EVENT_POLL_INTERVAL_MS: '200',
      ...env,
    },
  });
}

export function alertClient(address: string): GrpcClient<AlertManagerClient> {
  return createGrpcClient<AlertManagerClient>(AlertManagerDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs: 5_000,
    deadlineByMethodMs: { WatchAlerts: Number.POSITIVE_INFINITY },
  });
}

/** The error a call ends with (shared by every service's process tests). */
export { failure } from '@iot-mesh/platform/testing';

/** Polls until `check` returns something truthy (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result) return result;
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const newRule = (name: string, changes: Partial<Rule> = {}): Rule => ({
  id: '',
  name,
  scope: { allDevices: true },
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  operator: Operator.OPERATOR_GREATER_THAN,
  threshold: 30,
  thresholdHigh: 0,
  forDuration: { seconds: 0, nanos: 0 },
  severity: Severity.SEVERITY_CRITICAL,
  hysteresis: 0,
  enabled: true,
  ...changes,
});

export const BASE_SECONDS = 1_700_000_000;

/** A normalised reading `offsetSeconds` after a fixed base time. */
export const reading = (
  readingId: string,
  deviceId: string,
  value: number,
  offsetSeconds: number,
  sensorType = SensorType.SENSOR_TYPE_TEMPERATURE,
): Reading => ({
  readingId,
  deviceId,
  sensorType,
  value,
  unit: sensorType === SensorType.SENSOR_TYPE_HUMIDITY ? 'percent' : 'celsius',
  timestamp: { seconds: BASE_SECONDS + offsetSeconds, nanos: 0 },
  customSensor: '',
});

/** A reading of a custom quantity ("co2") as ingestion forwards it: the unit as sent, here none. */
export const customReading = (
  readingId: string,
  deviceId: string,
  customSensor: string,
  value: number,
  offsetSeconds: number,
): Reading => ({
  ...reading(readingId, deviceId, value, offsetSeconds, SensorType.SENSOR_TYPE_CUSTOM),
  unit: '',
  customSensor,
});
