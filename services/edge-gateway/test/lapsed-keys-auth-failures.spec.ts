import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { toGrpcError, UnauthenticatedError } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { errorOf, rest, startGateway } from './gateway-process.js';

// Devices behind one address (a NAT, a site gateway) share its budget of refused keys. Retired devices
// still sending there spend it; the fleet's devices, re-verified after a silence longer than the cache
// keeps answers, must still get in, while keys the gateway never knew as valid stay locked out.

const AUTH_CACHE_TTL_MS = 200;
const SITE = '198.51.100.20';
const madeUpKey = () => `imk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const fleetKey = (name: string) => `imk_${Buffer.from(name.padEnd(8)).toString('hex')}_${'s'.repeat(43)}`;
const SILENT_DEVICE = fleetKey('silent');
const RETIRED_DEVICE = fleetKey('retired');
/** Valid at the registry, but never sent to this gateway before the lockout. */
const UNSEEN_DEVICE = fleetKey('unseen');
const reading = { readingId: 'r-1', sensorType: 'SENSOR_TYPE_TEMPERATURE', value: 21, unit: 'celsius' };

describe('refused keys behind an address, and the valid devices behind it', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  const valid = new Set([SILENT_DEVICE, RETIRED_DEVICE, UNSEEN_DEVICE]);

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', ({ apiKey }: { apiKey: string }) =>
      valid.has(apiKey)
        ? { deviceId: apiKey.slice(4, 20), keyId: 'key-1', deviceStatus: 2 }
        : toGrpcError(new UnauthenticatedError('DEVICE_KEY.INVALID', 'invalid API key')),
    );
    stubs.answer('IngestBatch', ({ readings }: { readings: unknown[] }) => ({
      result: { acceptedCount: readings.length, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
    gateway = await startGateway({
      ...stubs.env,
      AUTH_CACHE_TTL_MS: String(AUTH_CACHE_TTL_MS),
      RATE_LIMIT_AUTH_FAILURES_BURST: '3',
      RATE_LIMIT_AUTH_FAILURES_PER_SECOND: '0.01',
      TRUST_FORWARDED_FOR: 'true',
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const verifications = () => stubs.requests('VerifyDeviceKey').length;
  const publish = async (apiKey: string) => {
    const answer = await rest(gateway, 'POST', '/api/v1/readings', {
      headers: { authorization: '', 'x-api-key': apiKey, 'x-forwarded-for': SITE },
      body: { ...reading, timestamp: new Date().toISOString() },
    });
    return answer.status === 200 ? '200' : `${answer.status} ${errorOf(answer).reason}`;
  };

  it('verifies a device it knew as valid through the lockout, and no key it did not', async () => {
    expect([await publish(SILENT_DEVICE), await publish(RETIRED_DEVICE)]).toEqual(['200', '200']);
    valid.delete(RETIRED_DEVICE); // decommissioned, and still sending
    // Both fall silent for longer than the gateway serves an answer (two cache times).
    await sleep(3 * AUTH_CACHE_TTL_MS);

    // The retired device is refused; made-up keys spend the address's budget of three and lock it out.
    expect(await publish(RETIRED_DEVICE)).toBe('401 AUTH.INVALID_KEY');
    const flood: string[] = [];
    while (flood.length < 10 && !flood.includes('429 RATE_LIMIT.AUTH_FAILURES'))
      flood.push(await publish(madeUpKey()));
    expect(flood.at(-1)).toBe('429 RATE_LIMIT.AUTH_FAILURES');

    const before = verifications();
    expect(await publish(SILENT_DEVICE)).toBe('200');
    expect(verifications() - before).toBe(1); // verified again by the registry, not taken on trust
    expect(await publish(madeUpKey())).toBe('429 RATE_LIMIT.AUTH_FAILURES');
    expect(await publish(UNSEEN_DEVICE)).toBe('429 RATE_LIMIT.AUTH_FAILURES');
    expect(verifications() - before).toBe(1);
  });

  it('forgets a known key once the registry refuses it: the retired device waits for the budget', async () => {
    // Its refusal above replaced its valid answer; wait until that refusal (kept 2 s) is no longer served.
    await sleep(2_000 + 3 * AUTH_CACHE_TTL_MS);
    const before = verifications();
    expect(await publish(RETIRED_DEVICE)).toBe('429 RATE_LIMIT.AUTH_FAILURES');
    expect(verifications()).toBe(before);
  });
});
