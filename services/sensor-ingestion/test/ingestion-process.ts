import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  SensorIngestionDefinition,
  type SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built ingestion service as a real process. */
export function startIngestion(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({ entry: ENTRY, env });
}

export function ingestionClient(address: string, deadlineMs = 10_000): GrpcClient<SensorIngestionClient> {
  return createGrpcClient<SensorIngestionClient>(SensorIngestionDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs,
  });
}

/** The error a call ends with (shared by every service's process tests). */
export { failure } from '@iot-mesh/platform/testing';

/** Resolves once `condition` holds; polls, so a test can wait for a stub to see a call. */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
