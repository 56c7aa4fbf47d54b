import { BinaryReader } from '@bufbuild/protobuf/wire';
import { jest } from '@jest/globals';
import {
  IngestBatchRequest,
  SensorIngestionDefinition,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { Reading, SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { EchoRequest } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
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

const ECHO: EchoRequest = { message: 'hi', delayMs: 0, failCode: 0, failTimes: 0, key: '', relay: false };

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

  it('reads strings that repeat within a message, or share a length with others, as they are', () => {
    // Lengths 3, 11 and 19 share a set of the reader's cache of earlier strings; 'dev-1' and 'dev-2'
    // have the same length and differ in their last byte only.
    const readings = [
      reading('r-1', 'dev-1', 'abc'),
      reading('r-2', 'dev-2', 'abc'),
      reading('r-3', 'dev-1', 'xyz'),
      reading('r-00000004', 'dev-1', 'hPa'),
      reading('r-000000000000005', 'abcdefghijk', 'abc'),
      reading('r-000000000000006', 'abcdefghijz', 'abd'),
      reading('r-7', 'dev-2', 'abd'),
    ];
    const bytes = Buffer.from(IngestBatchRequest.encode({ readings }).finish());
    expect(IngestBatchRequest.decode(new BufferReader(bytes)).readings).toEqual(readings);
  });

  it('never gives a message the strings of another one read before it', () => {
    // The same layout with other bytes: each string sits where the first message had its own.
    const first = Buffer.from(
      IngestBatchRequest.encode({ readings: [reading('r-1', 'dev-1', 'C')] }).finish(),
    );
    const second = Buffer.from(
      IngestBatchRequest.encode({ readings: [reading('r-2', 'dev-2', 'F')] }).finish(),
    );
    const firstReader = new BufferReader(first);
    expect(IngestBatchRequest.decode(firstReader).readings[0]?.deviceId).toBe('dev-1');
    expect(IngestBatchRequest.decode(new BufferReader(second)).readings).toEqual([
      reading('r-2', 'dev-2', 'F'),
    ]);
    // A message read again from the start reads as it is, after the other one.
    expect(IngestBatchRequest.decode(new BufferReader(first)).readings).toEqual([
      reading('r-1', 'dev-1', 'C'),
    ]);
  });

  it('refuses invalid UTF-8, which BinaryReader reads as U+FFFD, and reads a real U+FFFD', () => {
    // Field 1 (readingId), length 3: "a", a lone continuation byte, "b".
    const bytes = Buffer.from([0x0a, 0x03, 0x61, 0x80, 0x62]);
    expect(() => Reading.decode(new BufferReader(bytes))).toThrow('not valid UTF-8');
    expect(Reading.decode(bytes).readingId).toBe('a\uFFFDb');
    const replacement = Buffer.from(Reading.encode({ ...READINGS[0], unit: 'a\uFFFDb' }).finish());
    expect(Reading.decode(new BufferReader(replacement)).unit).toBe('a\uFFFDb');
  });

  it('refuses a length whose varint does not fit 32 bits, which BinaryReader cuts to its low bits', () => {
    // Field 1 (readingId), length 2^32 + 1 in five bytes, then one byte.
    const bytes = Buffer.from([0x0a, 0x81, 0x80, 0x80, 0x80, 0x10, 0x61]);
    expect(() => Reading.decode(new BufferReader(bytes))).toThrow('varint overflows uint32');
    expect(Reading.decode(bytes).readingId).toBe('a');
  });

  it('reads negative int32 values, ten bytes on the wire, as BinaryReader does', () => {
    const bytes = Buffer.from(EchoRequest.encode({ ...ECHO, delayMs: -1, failCode: -(2 ** 31) }).finish());
    expect(EchoRequest.decode(new BufferReader(bytes))).toEqual(EchoRequest.decode(bytes));
    expect(EchoRequest.decode(new BufferReader(bytes))).toMatchObject({ delayMs: -1, failCode: -(2 ** 31) });
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
