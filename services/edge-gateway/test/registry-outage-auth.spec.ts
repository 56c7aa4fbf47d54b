import { setTimeout as sleep } from 'node:timers/promises';
import { toGrpcError, UnauthenticatedError, UnavailableError } from '@iot-mesh/platform';
import { eventually, type ServiceProcess } from '@iot-mesh/platform/testing';
import { VerifyDeviceKeyResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { IngestBatchResponse } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, publishReading as publish, startGateway } from './gateway-process.js';

const TTL_MS = 4_000;
const REVOKED_KEY = `imk_fedcba9876543210_${'r'.repeat(43)}`;
const verified = VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1' });
const registryDown = toGrpcError(new UnavailableError('STORAGE.UNAVAILABLE', 'registry restarting'));
const refused = toGrpcError(new UnauthenticatedError('DEVICE_KEY.REVOKED', 'the key was revoked'));

describe("a device key's cached answer while the registry cannot answer", () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('IngestBatch', () => IngestBatchResponse.fromJSON({ result: { acceptedCount: 1 } }));
    gateway = await startGateway({ ...stubs.env, AUTH_CACHE_TTL_MS: String(TTL_MS) });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  it('keeps serving after a failed refresh, until one cache time past expiry, then answers 503', async () => {
    stubs.answer('VerifyDeviceKey', () => verified);
    expect((await publish(gateway, DEVICE_KEY)).status).toBe(200);
    const verifiedAt = Date.now();
    stubs.answer('VerifyDeviceKey', () => registryDown);

    // Expired: served as it was while the refresh runs, and the refresh fails.
    await sleep(TTL_MS + 500);
    expect((await publish(gateway, DEVICE_KEY)).status).toBe(200);
    await gateway.waitForLog((line) => String(line.msg).startsWith('calling device-registry failed'));
    // Still within one cache time past expiry: a failed refresh does not take the answer away.
    expect((await publish(gateway, DEVICE_KEY)).status).toBe(200);

    // Past that bound the answer is not served any more: the request waits for the registry.
    await sleep(Math.max(0, verifiedAt + 2 * TTL_MS + 500 - Date.now()));
    const late = await publish(gateway, DEVICE_KEY);
    expect([late.status, errorOf(late).reason, errorOf(late).service]).toEqual([
      503,
      'DOWNSTREAM.UNAVAILABLE',
      'device-registry',
    ]);
  }, 30_000);

  it('still stops accepting a key the registry refuses once its answer expired', async () => {
    stubs.answer('VerifyDeviceKey', () => verified);
    expect((await publish(gateway, REVOKED_KEY)).status).toBe(200);
    stubs.answer('VerifyDeviceKey', () => refused);

    await sleep(TTL_MS + 500);
    await eventually(
      async () => ((await publish(gateway, REVOKED_KEY)).status === 401 ? true : undefined),
      'the revoked key to be refused',
      TTL_MS,
    );
  }, 30_000);
});
