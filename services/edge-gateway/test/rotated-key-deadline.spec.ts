import { setTimeout as sleep } from 'node:timers/promises';
import { timestampFromMillis } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { IngestBatchResponse } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, publishReading, startGateway } from './gateway-process.js';

const GRACE_LEFT_MS = 1_500;

const publish = (gateway: ServiceProcess) => publishReading(gateway, DEVICE_KEY);

describe('a rotated key in the gateway', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('IngestBatch', () => IngestBatchResponse.fromJSON({ result: { acceptedCount: 1 } }));
    // The registry's answer stays fresh in the cache far longer than the key's grace period.
    gateway = await startGateway({ ...stubs.env, AUTH_CACHE_TTL_MS: '600000' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  it('stops working at the end of its grace period, however fresh its cached answer', async () => {
    const expireTime = Date.now() + GRACE_LEFT_MS;
    stubs.answer('VerifyDeviceKey', () => ({
      deviceId: 'device-1',
      keyId: '0123456789abcdef',
      deviceStatus: 2,
      expireTime: timestampFromMillis(expireTime),
    }));
    expect((await publish(gateway)).status).toBe(200);

    await sleep(Math.max(0, expireTime + 100 - Date.now()));
    const late = await publish(gateway);
    expect([late.status, errorOf(late).reason]).toEqual([401, 'AUTH.INVALID_KEY']);
    // Refused from the answer it had: the registry was asked once.
    expect(stubs.requests('VerifyDeviceKey')).toHaveLength(1);
  }, 30_000);
});
