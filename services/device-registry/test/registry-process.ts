import { fileURLToPath } from 'node:url';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';

const ENTRY = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The built registry as a real process; cheap key hashing keeps tests fast. */
export function startRegistry(env: Record<string, string>): Promise<ServiceProcess> {
  return spawnService({
    entry: ENTRY,
    env: { API_KEY_SCRYPT_COST: '1024', SEND_VERIFICATION_EMAILS: 'false', ...env },
  });
}

export function registryClient(address: string): GrpcClient<DeviceRegistryClient> {
  return createGrpcClient<DeviceRegistryClient>(DeviceRegistryDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs: 5_000,
  });
}
