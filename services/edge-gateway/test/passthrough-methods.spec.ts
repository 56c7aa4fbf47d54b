import type { ListAlertsRequest } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { IngestBatchRequest } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { ListAggregatesRequest } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, rest } from './gateway-process.js';

describe('the pass-through route', () => {
  const world = gatewayOnStubs();
  beforeAll(() => {
    world.stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }));
    world.stubs.answer('IngestBatch', ({ readings }: IngestBatchRequest) => ({
      result: { acceptedCount: readings.length, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
  });

  it('does not reach VerifyDeviceKey, which the gateway still calls to authenticate devices', async () => {
    for (const method of ['POST', 'GET']) {
      const answer = await rest(world.gateway, method, '/api/v1/device-registry/VerifyDeviceKey', {
        ...(method === 'POST' ? { body: { apiKey: DEVICE_KEY } } : {}),
      });
      expect([answer.status, errorOf(answer).reason]).toEqual([404, 'ROUTE.UNKNOWN_METHOD']);
    }
    expect(world.stubs.requests('VerifyDeviceKey')).toEqual([]);

    const reading = {
      readingId: 'r-1',
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      value: 21,
      unit: 'celsius',
      timestamp: new Date().toISOString(),
    };
    const published = await rest(world.gateway, 'POST', '/api/v1/readings', {
      headers: { 'x-api-key': DEVICE_KEY },
      body: reading,
    });
    expect(published.status).toBe(200);
    expect(world.stubs.requests('VerifyDeviceKey')).toHaveLength(1);
  });

  it('takes an enum by number in the query string, as in a body', async () => {
    const byNumber = await rest(
      world.gateway,
      'GET',
      '/api/v1/data-processor/ListAggregates?sensorType=1&window=2',
    );
    expect(byNumber.status).toBe(200);
    expect(world.stubs.requests<ListAggregatesRequest>('ListAggregates').at(-1)).toMatchObject({
      sensorType: 1,
      window: 2,
    });
    const nested = await rest(
      world.gateway,
      'GET',
      '/api/v1/alert-manager/ListAlerts?filter.severity=3&filter.state=ALERT_STATE_FIRING&page_size=7',
    );
    expect(nested.status).toBe(200);
    expect(world.stubs.requests<ListAlertsRequest>('ListAlerts').at(-1)).toMatchObject({
      filter: { severity: 3, state: 2 },
      pageSize: 7,
    });
    // Still only a name or a number.
    const neither = await rest(world.gateway, 'GET', '/api/v1/alert-manager/ListAlerts?filter.severity=3x');
    expect([neither.status, errorOf(neither).details]).toEqual([
      400,
      [expect.objectContaining({ field: 'filter.severity' })],
    ]);
  });
});
