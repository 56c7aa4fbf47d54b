import { UnavailableError } from '@iot-mesh/platform';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { DeviceDirectory } from '../readings/device-directory.port.js';
import type { DeviceState } from '../readings/domain/device-state.js';
import { CachedDeviceDirectory } from './cached-device-directory.js';

const ACTIVE: DeviceState = { known: true, status: DeviceStatus.DEVICE_STATUS_ACTIVE };

/** A registry that answers from a map, counts questions and can be told to be down. */
class FakeRegistry implements DeviceDirectory {
  readonly asked: string[] = [];
  down = false;
  constructor(readonly devices: Map<string, DeviceState>) {}
  stateOf(deviceId: string): Promise<DeviceState> {
    this.asked.push(deviceId);
    if (this.down) return Promise.reject(new UnavailableError('DEVICE_REGISTRY.UNAVAILABLE', 'down'));
    return Promise.resolve(this.devices.get(deviceId) ?? { known: false });
  }
}

describe('device cache', () => {
  let now: number;
  let registry: FakeRegistry;
  let cache: CachedDeviceDirectory;

  beforeEach(() => {
    now = 1_000_000;
    registry = new FakeRegistry(new Map([['a', ACTIVE]]));
    cache = new CachedDeviceDirectory(
      registry,
      { ttlMs: 30_000, refusalTtlMs: 5_000, maxEntries: 2 },
      () => now,
    );
  });

  it('answers from the cache until the TTL has passed', async () => {
    await expect(cache.stateOf('a')).resolves.toEqual(ACTIVE);
    now += 29_999;
    await cache.stateOf('a');
    expect(registry.asked).toEqual(['a']);
    now += 1;
    await cache.stateOf('a');
    expect(registry.asked).toEqual(['a', 'a']);
  });

  it('remembers unknown devices only briefly, so a new registration is seen soon', async () => {
    await expect(cache.stateOf('new')).resolves.toEqual({ known: false });
    now += 4_999;
    await cache.stateOf('new');
    expect(registry.asked).toEqual(['new']);
    registry.devices.set('new', ACTIVE);
    now += 1;
    await expect(cache.stateOf('new')).resolves.toEqual(ACTIVE);
  });

  it('remembers a device that is not ACTIVE only briefly, so an activation is seen soon', async () => {
    const provisioning: DeviceState = { known: true, status: DeviceStatus.DEVICE_STATUS_PROVISIONING };
    registry.devices.set('p', provisioning);
    await expect(cache.stateOf('p')).resolves.toEqual(provisioning);
    now += 4_999;
    await cache.stateOf('p');
    expect(registry.asked).toEqual(['p']);
    registry.devices.set('p', ACTIVE);
    now += 1;
    await expect(cache.stateOf('p')).resolves.toEqual(ACTIVE);
    // Once ACTIVE, the answer is kept for the full TTL.
    now += 29_999;
    await cache.stateOf('p');
    expect(registry.asked).toEqual(['p', 'p']);
  });

  it('shares one registry call among concurrent lookups of a device', async () => {
    const answers = await Promise.all([cache.stateOf('a'), cache.stateOf('a'), cache.stateOf('a')]);
    expect(answers).toEqual([ACTIVE, ACTIVE, ACTIVE]);
    expect(registry.asked).toEqual(['a']);
  });

  it('never caches a failure', async () => {
    registry.down = true;
    await expect(cache.stateOf('a')).rejects.toBeInstanceOf(UnavailableError);
    registry.down = false;
    await expect(cache.stateOf('a')).resolves.toEqual(ACTIVE);
    expect(registry.asked).toEqual(['a', 'a']);
  });

  it('forgets the oldest device beyond its size bound', async () => {
    await cache.stateOf('a');
    await cache.stateOf('b');
    await cache.stateOf('c');
    await cache.stateOf('c');
    await cache.stateOf('b');
    await cache.stateOf('a');
    expect(registry.asked).toEqual(['a', 'b', 'c', 'a']);
  });
});
