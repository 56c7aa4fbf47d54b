import pino from 'pino';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { AlertStore } from '../infrastructure/alert-store.port.js';
import { DecommissionedDevices, IN_SERVICE_MEMO_MS } from './decommissioned-devices.js';
import type { DeviceLookup } from './device-lookup.port.js';

/** The registry's answers, counted; the store's table of decommissioned devices, in memory. */
function world(statuses: Record<string, DeviceStatus>) {
  const asked: string[] = [];
  const recorded = new Set<string>();
  const devices = {
    statusOf: (id: string) => {
      asked.push(id);
      return Promise.resolve(statuses[id]);
    },
  } as unknown as DeviceLookup;
  const store = {
    findDecommissionedDevices: (ids: readonly string[]) =>
      Promise.resolve(new Set(ids.filter((id) => recorded.has(id)))),
    recordDecommissionedDevice: (id: string) => {
      recorded.add(id);
      return Promise.resolve();
    },
  } as unknown as AlertStore;
  const clock = { now: 1_000_000 };
  const decommissioned = new DecommissionedDevices(
    store,
    devices,
    () => clock.now,
    pino({ level: 'silent' }),
  );
  return { decommissioned, asked, clock, statuses };
}

describe('which devices are decommissioned', () => {
  it('asks again about a device in service only once its last answer is a memo old', async () => {
    const { decommissioned, asked, clock, statuses } = world({ d1: DeviceStatus.DEVICE_STATUS_ACTIVE });
    expect(await decommissioned.among(['d1'])).toEqual(new Set());
    clock.now += IN_SERVICE_MEMO_MS - 1;
    expect(await decommissioned.among(['d1'])).toEqual(new Set());
    expect(asked).toEqual(['d1']);

    statuses['d1'] = DeviceStatus.DEVICE_STATUS_DECOMMISSIONED;
    clock.now += 1;
    expect(await decommissioned.among(['d1'])).toEqual(new Set(['d1']));
    expect(asked).toEqual(['d1', 'd1']);
  });

  it('keeps a decommission for good, without asking again', async () => {
    const { decommissioned, asked, clock } = world({ d2: DeviceStatus.DEVICE_STATUS_DECOMMISSIONED });
    expect(await decommissioned.among(['d2'])).toEqual(new Set(['d2']));
    clock.now += 10 * IN_SERVICE_MEMO_MS;
    expect(await decommissioned.among(['d2', 'd2'])).toEqual(new Set(['d2']));
    expect(asked).toEqual(['d2']);
  });
});
