import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, startOtlpCollector, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  SensorIngestionDefinition,
  type SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { StubProcessor, StubRegistry } from './stub-servers.js';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built ingestion service as a real process. */
export function startIngestion(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({ entry: ENTRY, env });
}

/**
 * For one describe block: ingestion against stub registry and processor, exporting its spans to a
 * collector, and a client of it; all start before its tests and stop after them. Read them inside the tests.
 */
export function tracedIngestion(
  registry: StubRegistry,
  processor: StubProcessor,
  env: Record<string, string> = {},
): {
  collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  ingestion: ServiceProcess;
  client: GrpcClient<SensorIngestionClient>;
} {
  const running = {} as ReturnType<typeof tracedIngestion>;
  beforeAll(async () => {
    running.collector = await startOtlpCollector();
    running.ingestion = await startIngestion({
      DEVICE_REGISTRY_ADDRESS: await registry.start(),
      DATA_PROCESSOR_ADDRESS: await processor.start(),
      ...env,
      ...running.collector.exporterEnv,
    });
    running.client = ingestionClient(running.ingestion.grpcAddress);
  });
  afterAll(async () => {
    running.client?.close();
    await running.ingestion?.stop();
    await Promise.all([registry.stop(), processor.stop()]);
    await running.collector?.close();
  });
  return running;
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
