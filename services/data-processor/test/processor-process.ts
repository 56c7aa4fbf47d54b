import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  DataProcessorDefinition,
  type DataProcessorClient,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built data processor as a real process. */
export function startProcessor(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({ entry: ENTRY, env });
}

export function processorClient(address: string, deadlineMs = 10_000): GrpcClient<DataProcessorClient> {
  return createGrpcClient<DataProcessorClient>(DataProcessorDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs,
  });
}
