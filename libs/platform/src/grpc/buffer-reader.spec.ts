import { BinaryReader } from '@bufbuild/protobuf/wire';
import { jest } from '@jest/globals';
import {
  IngestBatchRequest,
  SensorIngestionDefinition,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { Reading, SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { BufferReader } from './buffer-reader.js';
import { toServiceDefinition } from './package-definition.js';

const reading = (readingId: string, deviceId: string, unit: string): Reading => ({
  readingId,
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit,
  timestamp: { seconds: 1_760_000_000, nanos: 5 },
  customSensor: '',
});

// Short and long ASCII (BinaryReader has a separate path for each), accents, CJK, emoji, and empty.
const READINGS = [
  reading('r-1', 'dev-1', 'celsius'),
  reading('r-'.padEnd(120, 'x'), 'device-with-a-rather-long-identifier-0001', 'µg/m³'),
  reading('温度-1', 'capteur-été', '°C'),
  reading('🌡️-42', '', ''),
];

describe('BufferReader', () => {
  it('decodes messages exactly as BinaryReader does, strings included', () => {
    const bytes = Buffer.from(IngestBatchRequest.encode({ readings: READINGS }).finish());
    const expected = IngestBatchRequest.decode(new BinaryReader(bytes));
    expect(IngestBatchRequest.decode(new BufferReader(bytes))).toEqual(expected);
    expect(expected.readings).toEqual(READINGS);
    // A Uint8Array that is not a Buffer, at an offset into a larger buffer, reads the same.
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 7);
    expect(IngestBatchRequest.decode(new BufferReader(padded.subarray(7)))).toEqual(expected);
  });

  it('replaces invalid UTF-8 with U+FFFD, as the generated code reads strings', () => {
    // Field 1 (readingId), length 3: "a", a lone continuation byte, "b".
    const bytes = Buffer.from([0x0a, 0x03, 0x61, 0x80, 0x62]);
    expect(Reading.decode(new BufferReader(bytes)).readingId).toBe('a\uFFFDb');
    expect(Reading.decode(new BufferReader(bytes)).readingId).toBe(Reading.decode(bytes).readingId);
  });

  it('refuses a string that runs past the end of the message', () => {
    const bytes = Buffer.from([0x0a, 0x05, 0x61, 0x62]);
    expect(() => Reading.decode(new BufferReader(bytes))).toThrow(new RangeError('premature EOF'));
    expect(() => Reading.decode(bytes)).toThrow(new RangeError('premature EOF'));
  });

  it('is what the services deserialize gRPC messages with', () => {
    const ingestBatch = toServiceDefinition(SensorIngestionDefinition)['IngestBatch'];
    const strings = jest.spyOn(BufferReader.prototype, 'string');
    try {
      const bytes = ingestBatch.requestSerialize({ readings: READINGS });
      expect(ingestBatch.requestDeserialize(bytes)).toEqual({ readings: READINGS });
      // Three strings of each reading (its ids and unit; customSensor is empty, so not on the wire).
      expect(strings).toHaveBeenCalledTimes(3 * READINGS.length - 2);
    } finally {
      strings.mockRestore();
    }
  });
});
