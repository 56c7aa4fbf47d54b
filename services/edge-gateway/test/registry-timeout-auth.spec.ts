import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, publishReading, startGateway } from './gateway-process.js';

// Authentication comes first: a registry that does not answer in time means nothing was taken, so the
// device is not told that its request "may have taken effect".
describe('a device whose key the registry does not verify in time', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    // Never answered: the gateway's deadline ends the call.
    stubs.answer('VerifyDeviceKey', () => new Promise(() => undefined));
    gateway = await startGateway({ ...stubs.env, DOWNSTREAM_DEADLINE_MS: '300' });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  it('is told it could not be authenticated, with 503 naming the registry', async () => {
    const answer = await publishReading(gateway, DEVICE_KEY);
    expect([answer.status, errorOf(answer).reason, errorOf(answer).service]).toEqual([
      503,
      'DOWNSTREAM.UNAVAILABLE',
      'device-registry',
    ]);
    expect(errorOf(answer).message).toBe(
      'the device could not be authenticated: device-registry did not answer in time; nothing was taken',
    );
    expect(stubs.requests('IngestBatch')).toEqual([]);
  });
});
