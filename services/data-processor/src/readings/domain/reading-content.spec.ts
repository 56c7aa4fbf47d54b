import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { readingContentHash } from './reading-content.js';

const reading: Reading = {
  readingId: 'r1',
  deviceId: 'd1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: { seconds: 1_767_225_600, nanos: 0 },
  customSensor: '',
};

describe('the digest of what a reading says', () => {
  it('is the same for the same content, whatever the id, and a safe integer', () => {
    const digest = readingContentHash(reading);
    expect(readingContentHash({ ...reading, readingId: 'other', deviceId: 'd2' })).toBe(digest);
    expect(Number.isSafeInteger(digest)).toBe(true);
  });

  it('differs when anything the reading says differs', () => {
    const changed: Partial<Reading>[] = [
      { value: 21.500000000000004 },
      { value: -21.5 },
      { timestamp: { seconds: 1_767_225_601, nanos: 0 } },
      { timestamp: { seconds: 1_767_225_600, nanos: 1 } },
      { sensorType: SensorType.SENSOR_TYPE_HUMIDITY },
      { unit: 'celsiuS' },
      { sensorType: SensorType.SENSOR_TYPE_CUSTOM, unit: 'ab', customSensor: '' },
      { sensorType: SensorType.SENSOR_TYPE_CUSTOM, unit: 'a', customSensor: 'b' },
    ];
    const digests = changed.map((change) => readingContentHash({ ...reading, ...change }));
    expect(new Set([readingContentHash(reading), ...digests]).size).toBe(changed.length + 1);
  });
});
