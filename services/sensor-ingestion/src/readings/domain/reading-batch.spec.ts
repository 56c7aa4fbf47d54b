import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { DeviceState } from './device-state.js';
import { applyDeviceStates, checkBatch, deviceIdsOf } from './reading-batch.js';

const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);
const limits = { maxFutureSkewMs: 300_000, maxReadingAgeMs: 86_400_000 };
const reading = (readingId: string, changes: Partial<Reading> = {}): Reading => ({
  readingId,
  deviceId: 'dev-a',
  sensorType: SensorType.SENSOR_TYPE_HUMIDITY,
  value: 40,
  unit: '%',
  timestamp: { seconds: NOW / 1000 - 10, nanos: 0 },
  customSensor: '',
  ...changes,
});

describe('batch checks', () => {
  it('passes valid readings on normalised and reports invalid ones by position', () => {
    const result = checkBatch([reading('r1'), reading('r2', { value: 140 }), reading('r3')], NOW, limits);
    expect(result.accepted.map((a) => [a.index, a.reading.readingId, a.reading.unit])).toEqual([
      [0, 'r1', 'percent'],
      [2, 'r3', 'percent'],
    ]);
    expect(result.rejections).toEqual([
      {
        index: 1,
        readingId: 'r2',
        reason: 'READING.OUT_OF_RANGE',
        field: 'value',
        description: '140 percent is outside 0..100 percent',
      },
    ]);
  });

  it('rejects a reading id repeated within the request, keeping the first copy', () => {
    const result = checkBatch([reading('r1'), reading('r2'), reading('r1', { value: 41 })], NOW, limits);
    expect(result.accepted.map((a) => a.index)).toEqual([0, 1]);
    expect(result.rejections).toMatchObject([
      { index: 2, readingId: 'r1', reason: 'READING.DUPLICATE_IN_BATCH', field: 'reading_id' },
    ]);
  });

  it('accepts one reading id from two devices, and rejects it repeated by one device', () => {
    const result = checkBatch(
      [reading('r1'), reading('r1', { deviceId: 'dev-b' }), reading('r1', { deviceId: 'dev-b' })],
      NOW,
      limits,
    );
    expect(result.accepted.map((a) => [a.index, a.reading.deviceId])).toEqual([
      [0, 'dev-a'],
      [1, 'dev-b'],
    ]);
    expect(result.rejections).toMatchObject([
      { index: 2, readingId: 'r1', reason: 'READING.DUPLICATE_IN_BATCH', field: 'reading_id' },
    ]);
  });

  it('reports a repeated id next to the copy’s own problems', () => {
    const result = checkBatch([reading('r1'), reading('r1', { value: Number.NaN })], NOW, limits);
    expect(result.rejections.map((r) => r.reason)).toEqual([
      'READING.NOT_FINITE',
      'READING.DUPLICATE_IN_BATCH',
    ]);
  });

  it('judges the copy of a rejected reading on its own', () => {
    const result = checkBatch([reading('r1', { value: Number.NaN }), reading('r1')], NOW, limits);
    expect(result.accepted.map((a) => a.index)).toEqual([1]);
    expect(result.rejections).toMatchObject([{ index: 0, reason: 'READING.NOT_FINITE' }]);
  });

  it('does not count missing ids as duplicates of each other', () => {
    const result = checkBatch([reading(''), reading('')], NOW, limits);
    expect(result.rejections.map((r) => r.reason)).toEqual(['READING.ID_REQUIRED', 'READING.ID_REQUIRED']);
  });

  it('names each device of the accepted readings once', () => {
    const result = checkBatch(
      [
        reading('r1'),
        reading('r2', { deviceId: 'dev-b' }),
        reading('r3'),
        reading('r4', { deviceId: 'dev-c', value: -1 }),
      ],
      NOW,
      limits,
    );
    expect(deviceIdsOf(result)).toEqual(['dev-a', 'dev-b']);
  });

  it('rejects readings of unknown and inactive devices, keeping request order', () => {
    const checked = checkBatch(
      [
        reading('r0', { deviceId: 'ghost' }),
        reading('r1', { value: -5 }),
        reading('r2'),
        reading('r3', { deviceId: 'off' }),
      ],
      NOW,
      limits,
    );
    const states = new Map<string, DeviceState>([
      ['dev-a', { known: true, status: DeviceStatus.DEVICE_STATUS_ACTIVE }],
      ['ghost', { known: false }],
      ['off', { known: true, status: DeviceStatus.DEVICE_STATUS_DISABLED }],
    ]);
    const result = applyDeviceStates(checked, states);
    expect(result.accepted.map((a) => a.reading.readingId)).toEqual(['r2']);
    expect(result.rejections.map((r) => [r.index, r.field, r.reason])).toEqual([
      [0, 'device_id', 'DEVICE.UNKNOWN'],
      [1, 'value', 'READING.OUT_OF_RANGE'],
      [3, 'device_id', 'DEVICE.INACTIVE'],
    ]);
    expect(result.rejections[2]?.description).toContain('DEVICE_STATUS_DISABLED');
  });

  it('treats provisioning and decommissioned devices as inactive', () => {
    for (const status of [
      DeviceStatus.DEVICE_STATUS_PROVISIONING,
      DeviceStatus.DEVICE_STATUS_DECOMMISSIONED,
    ]) {
      const result = applyDeviceStates(
        checkBatch([reading('r1')], NOW, limits),
        new Map([['dev-a', { known: true, status }]]),
      );
      expect(result.rejections.map((r) => r.reason)).toEqual(['DEVICE.INACTIVE']);
    }
  });
});
