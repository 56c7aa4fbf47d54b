import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceStatus } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { deviceViolation } from './device-state.js';
import { checkBatch } from './reading-batch.js';
import { READING_REJECTION_REASONS } from './rejection-reasons.js';

const NOW = Date.UTC(2030, 0, 15, 12, 0, 0);
const limits = { maxFutureSkewMs: 60_000, maxReadingAgeMs: 3_600_000 };
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: 0 });
const valid: Reading = {
  readingId: 'r-1',
  deviceId: 'd-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: at(NOW),
  customSensor: '',
};
const custom = { sensorType: SensorType.SENSOR_TYPE_CUSTOM, customSensor: 'co2', unit: 'ppm' };

// One reading per way a reading can fail a check, each with that one problem.
const bad: Partial<Reading>[] = [
  { readingId: '' },
  { readingId: 'r 1' },
  { deviceId: ' ' },
  { deviceId: 'd\u0001' },
  { sensorType: SensorType.SENSOR_TYPE_UNSPECIFIED },
  { ...custom, customSensor: '' },
  { customSensor: 'co2' },
  { ...custom, customSensor: 'x'.repeat(51) },
  { value: Number.NaN },
  { ...custom, unit: 'u'.repeat(100) },
  { unit: 'furlongs' },
  { value: 1e6 },
  { timestamp: undefined },
  { timestamp: { seconds: 1.5, nanos: 0 } },
  { timestamp: at(NOW + 3_600_000) },
  { timestamp: at(NOW - 7_200_000) },
];

describe('the rejection reasons ingestion counts', () => {
  it('are exactly the reasons its checks give', () => {
    const readings = bad.map((changes, i) => ({ ...valid, readingId: `r-${i}`, ...changes }));
    // A valid reading, then its copy: the copy is the duplicate.
    readings.push({ ...valid, readingId: 'dup' }, { ...valid, readingId: 'dup' });
    const { rejections } = checkBatch(readings, NOW, limits);
    const given = new Set(rejections.map((rejection) => rejection.reason));
    for (const state of [
      { known: false } as const,
      { known: true, status: DeviceStatus.DEVICE_STATUS_DISABLED } as const,
    ]) {
      given.add(deviceViolation(state)?.reason ?? '');
    }
    expect([...given].sort()).toEqual([...READING_REJECTION_REASONS].sort());
  });

  it('name every reason the checks spell out', () => {
    const dir = import.meta.dirname;
    const spelt = readdirSync(dir)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && file !== 'rejection-reasons.ts')
      .flatMap((file) => [
        ...readFileSync(join(dir, file), 'utf8').matchAll(/'((?:READING|DEVICE)\.[A-Z_]+)'/g),
      ])
      .map(([, reason = '']) => reason);
    expect(spelt.length).toBeGreaterThan(10);
    expect(
      spelt.filter((reason) => !(READING_REJECTION_REASONS as readonly string[]).includes(reason)),
    ).toEqual([]);
  });
});
