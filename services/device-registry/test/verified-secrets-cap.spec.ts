import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrpcClient } from '@iot-mesh/platform';
import { scrapeMetricSum, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { DeviceRegistryClient } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { firstValueFrom } from 'rxjs';
import { registryConfigSchema } from '../src/config.js';
import { registryClient, startRegistry } from './registry-process.js';
import { deviceFields } from './test-device.js';

// The gateway verifies a fleet's keys in turn, so the registry finds a remembered secret only when it
// remembers as many keys as are active: one fewer, and each key is forgotten before it comes round again.
// The bound is API_KEY_VERIFY_CACHE_MAX_ENTRIES (a small one here, to keep the test fast), not a fixed one.

const CAP = 4;

describe('secrets the registry remembers, for a fleet verified in turn', () => {
  let dataDir: string;
  let registry: ServiceProcess;
  let client: GrpcClient<DeviceRegistryClient>;
  const keys: string[] = [];

  const scryptRunsFor = async (round: string[]) => {
    const before = await scrapeMetricSum(
      registry.adminUrl,
      'device_registry_key_verifications_total',
      'scrypt',
    );
    for (const apiKey of round) await firstValueFrom(client.service.verifyDeviceKey({ apiKey }));
    return (
      (await scrapeMetricSum(registry.adminUrl, 'device_registry_key_verifications_total', 'scrypt')) - before
    );
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'registry-verify-cap-'));
    registry = await startRegistry({ DATA_DIR: dataDir, API_KEY_VERIFY_CACHE_MAX_ENTRIES: String(CAP) });
    client = registryClient(registry.grpcAddress);
    for (let i = 0; i <= CAP; i++) {
      const deviceId = `fleet-${i}`;
      await firstValueFrom(
        client.service.createDevice({
          deviceId,
          sendVerificationEmail: false,
          device: { id: '', ...deviceFields(deviceId) },
        }),
      );
      keys.push((await firstValueFrom(client.service.issueDeviceKey({ deviceId, description: '' }))).apiKey);
    }
  }, 30_000);
  afterAll(async () => {
    client?.close();
    await registry?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds as many keys as configured: a fleet that fits is verified without scrypt from its second round', async () => {
    const fleet = keys.slice(0, CAP);
    expect(await scryptRunsFor(fleet)).toBe(CAP);
    expect(await scryptRunsFor(fleet)).toBe(0);
    expect(await scryptRunsFor(fleet)).toBe(0);
  });

  it('and no more: one key more than that, verified in turn, runs scrypt every time', async () => {
    expect(await scryptRunsFor(keys)).toBe(1); // the new key, which pushes out the first
    expect(await scryptRunsFor(keys)).toBe(CAP + 1);
  });

  it('holds a fleet larger than ten thousand keys by default', () => {
    expect(registryConfigSchema.parse({}).apiKeyVerifyCache.maxEntries).toBeGreaterThan(10_000);
  });
});
