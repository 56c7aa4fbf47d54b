import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { IngestBatchResponse } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { firstValueFrom } from 'rxjs';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, errorOf, rest, startGateway } from './gateway-process.js';

// A device key speaks for its own device only: what it publishes, and whose aggregates and alerts it
// reads. Each refusal is the gateway's own, before any downstream hears of the request.

const asDevice = { authorization: `Bearer ${DEVICE_KEY}` };
const reading = (deviceId: string) => ({
  readingId: `r-${Math.random()}`,
  deviceId,
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 20,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
});

describe("a device key and another device's data", () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'device-1', keyId: 'key-1', deviceStatus: 2 }));
    stubs.answer('IngestBatch', () => IngestBatchResponse.fromJSON({ result: { acceptedCount: 1 } }));
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const refusal = (answer: Awaited<ReturnType<typeof rest>>) => [answer.status, errorOf(answer).reason];
  /** The answer to an alert stream request: its refusal, or a 200 whose stream is closed at once. */
  const openStream = async (path: string) => {
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}${path}`, {
      headers: asDevice,
    });
    if (response.ok) {
      await response.body?.cancel();
      return { status: response.status, headers: response.headers, body: { error: { reason: 'streaming' } } };
    }
    return { status: response.status, headers: response.headers, body: await response.json() };
  };

  it('publishes its own readings, and none of another device over REST', async () => {
    const own = await rest(gateway, 'POST', '/api/v1/readings', {
      headers: asDevice,
      body: reading('device-1'),
    });
    expect(own.status).toBe(200);
    const forwarded = stubs.requests('IngestBatch').length;

    const single = await rest(gateway, 'POST', '/api/v1/readings', {
      headers: asDevice,
      body: reading('device-2'),
    });
    const batch = await rest(gateway, 'POST', '/api/v1/readings/batch', {
      headers: asDevice,
      body: { readings: [reading('device-1'), reading('device-2')] },
    });
    expect([refusal(single), refusal(batch)]).toEqual([
      [403, 'AUTH.FOREIGN_DEVICE'],
      [403, 'AUTH.FOREIGN_DEVICE'],
    ]);
    expect(stubs.requests('IngestBatch')).toHaveLength(forwarded);
  });

  it("publishes none of another device's readings over gRPC", async () => {
    const client = edgeClient(gateway);
    try {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${DEVICE_KEY}`);
      const forwarded = stubs.requests('IngestBatch').length;
      const refused = await firstValueFrom(
        client.service.publishReading(
          {
            reading: {
              readingId: 'r-grpc',
              deviceId: 'device-2',
              sensorType: 1,
              value: 20,
              unit: 'celsius',
              timestamp: { seconds: Math.floor(Date.now() / 1000), nanos: 0 },
              customSensor: '',
            },
          },
          metadata,
        ),
      ).catch((error: ServiceError) => error);
      expect((refused as ServiceError).code).toBe(status.PERMISSION_DENIED);
      expect(stubs.requests('IngestBatch')).toHaveLength(forwarded);
    } finally {
      client.close();
    }
  });

  it("reads none of another device's aggregates or alerts", async () => {
    const aggregates = await rest(
      gateway,
      'GET',
      '/api/v1/aggregates?deviceId=device-2&sensorType=SENSOR_TYPE_TEMPERATURE&window=WINDOW_ONE_MINUTE',
      {
        headers: asDevice,
      },
    );
    const alerts = await openStream('/api/v1/alerts/stream?deviceId=device-2');

    expect([refusal(aggregates), refusal(alerts)]).toEqual([
      [403, 'AUTH.FOREIGN_DEVICE'],
      [403, 'AUTH.FOREIGN_DEVICE'],
    ]);
    expect(stubs.requests('GetAggregates')).toHaveLength(0);
    expect(stubs.requests('WatchAlerts')).toHaveLength(0);
  });
});
