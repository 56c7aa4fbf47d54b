import { MAX_PAGE_SIZE } from '@iot-mesh/platform';
import type { ListDevicesRequest } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { gatewayOnStubs } from './downstream-stubs.js';
import { errorOf, rest } from './gateway-process.js';

describe('the pageSize of a REST list', () => {
  const world = gatewayOnStubs();

  const asked = () => world.stubs.requests<ListDevicesRequest>('ListDevices').at(-1)?.pageSize;

  it('is passed on above the maximum, for the service to cap (AIP-158), and left at 0 when absent', async () => {
    expect((await rest(world.gateway, 'GET', `/api/v1/devices?pageSize=${MAX_PAGE_SIZE * 2}`)).status).toBe(
      200,
    );
    expect(asked()).toBe(MAX_PAGE_SIZE * 2);
    expect((await rest(world.gateway, 'GET', '/api/v1/devices?pageSize=007')).status).toBe(200);
    expect(asked()).toBe(7);
    expect((await rest(world.gateway, 'GET', '/api/v1/devices')).status).toBe(200);
    expect(asked()).toBe(0);
  });

  it('is refused unless written in decimal digits, before the service is asked', async () => {
    const before = world.stubs.requests('ListDevices').length;
    for (const query of [
      'pageSize=',
      'pageSize=0x2',
      'pageSize=1e2',
      'pageSize=%202',
      'pageSize=1&pageSize=2',
    ]) {
      const answer = await rest(world.gateway, 'GET', `/api/v1/devices?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(errorOf(answer).details).toEqual([
        expect.objectContaining({ field: 'pageSize', description: 'must be a decimal integer' }),
      ]);
    }
    expect(world.stubs.requests('ListDevices')).toHaveLength(before);
  });
});
