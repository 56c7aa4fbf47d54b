import type { ServiceProcess } from '@iot-mesh/platform/testing';
import type { CreateDeviceRequest } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { IngestBatchRequest } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, errorOf, rest, startGateway } from './gateway-process.js';

const DEVICE_KEY_HEADER = { 'x-api-key': DEVICE_KEY };
const reading = {
  readingId: 'r-1',
  value: 21,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
};
const device = { name: 'Boiler', ownerEmail: 'ops@example.com' };

// A service judges enum numbers itself ("unknown value 99"): it must get the number the client sent.
describe('an enum number the protos do not name', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }));
    stubs.answer('IngestBatch', ({ readings }: IngestBatchRequest) => ({
      result: { acceptedCount: readings.length, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    }));
    stubs.answer('CreateDevice', ({ device: created }: CreateDeviceRequest) => ({ device: created }));
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  const ingested = () => stubs.requests<IngestBatchRequest>('IngestBatch').flatMap((r) => r.readings);

  it('reaches ingestion as sent, from a single reading or a batch', async () => {
    expect(
      (
        await rest(gateway, 'POST', '/api/v1/readings', {
          headers: DEVICE_KEY_HEADER,
          body: { ...reading, sensorType: 99 },
        })
      ).status,
    ).toBe(200);
    const batch = {
      readings: [
        { ...reading, readingId: 'r-2', sensorType: 1 },
        { ...reading, readingId: 'r-3', sensorType: 42 },
      ],
    };
    expect(
      (await rest(gateway, 'POST', '/api/v1/readings/batch', { headers: DEVICE_KEY_HEADER, body: batch }))
        .status,
    ).toBe(200);
    expect(ingested().map((r) => [r.readingId, r.sensorType])).toEqual([
      ['r-1', 99],
      ['r-2', 1],
      ['r-3', 42],
    ]);
  });

  it('reaches the registry as sent', async () => {
    expect(
      (await rest(gateway, 'POST', '/api/v1/devices', { body: { ...device, type: 42, status: 7 } })).status,
    ).toBe(201);
    const created = stubs.requests<CreateDeviceRequest>('CreateDevice').at(-1)?.device;
    expect([created?.type, created?.status]).toEqual([42, 7]);
  });

  it('is told from a name the protos do not have, which is refused at once naming the field', async () => {
    const before = ingested().length;
    const answer = await rest(gateway, 'POST', '/api/v1/readings', {
      headers: DEVICE_KEY_HEADER,
      body: { ...reading, sensorType: 'SENSOR_TYPE_FOO' },
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer).details).toEqual([
      expect.objectContaining({ field: 'sensorType', description: 'must be a SensorType name (or number)' }),
    ]);
    expect(ingested()).toHaveLength(before);
  });
});
