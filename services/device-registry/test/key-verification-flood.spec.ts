import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import type { DeviceRegistryClient } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { firstValueFrom } from 'rxjs';
import { registryClient, startRegistry } from './registry-process.js';
import { deviceFields } from './test-device.js';

// Made-up keys must not buy unbounded scrypt work: one that is not key-shaped costs none, and
// well-formed ones beyond a few at once are refused with RESOURCE_EXHAUSTED, while a device whose
// secret the registry remembers is still verified.

const madeUpKey = () => `imk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;

describe('key verification under a flood of made-up keys', () => {
  let dataDir: string;
  let registry: ServiceProcess;
  let client: GrpcClient<DeviceRegistryClient>;
  const verify = async (apiKey: string): Promise<number> => {
    try {
      await firstValueFrom(client.service.verifyDeviceKey({ apiKey }));
      return status.OK;
    } catch (error) {
      return (error as ServiceError).code;
    }
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'registry-flood-'));
    // One scrypt run at a time and none waiting: a handful of concurrent made-up keys saturate it.
    registry = await startRegistry({
      DATA_DIR: dataDir,
      API_KEY_VERIFY_CONCURRENCY: '1',
      API_KEY_VERIFY_QUEUE: '0',
    });
    client = registryClient(registry.grpcAddress);
  });
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses the excess, hashes no malformed key, and still verifies a remembered device', async () => {
    await firstValueFrom(
      client.service.createDevice({
        deviceId: 'flood-1',
        sendVerificationEmail: false,
        device: { id: '', ...deviceFields('Flooded') },
      }),
    );
    const { apiKey } = await firstValueFrom(
      client.service.issueDeviceKey({ deviceId: 'flood-1', description: '' }),
    );
    expect(await verify(apiKey)).toBe(status.OK);

    let flooding = true;
    const floodCodes: number[] = [];
    const flood = Array.from({ length: 8 }, async () => {
      while (flooding) floodCodes.push(await verify(madeUpKey()));
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const malformed = await Promise.all(
      ['garbage', 'imk_', `Bearer ${madeUpKey()}`, `${madeUpKey()}x`].map(verify),
    );
    const device = await Promise.all([verify(apiKey), verify(apiKey)]);
    flooding = false;
    await Promise.all(flood);

    expect(new Set(floodCodes)).toEqual(new Set([status.UNAUTHENTICATED, status.RESOURCE_EXHAUSTED]));
    expect(malformed).toEqual(Array(4).fill(status.UNAUTHENTICATED));
    expect(device).toEqual([status.OK, status.OK]);
  }, 30_000);
});
