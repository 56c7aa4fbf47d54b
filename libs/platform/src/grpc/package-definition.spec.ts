import {
  IngestBatchRequest,
  SensorIngestionDefinition,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { toServiceDefinition, UndecodableRequest } from './package-definition.js';

const reading = (readingId: string, value = 21.5): Reading => ({
  readingId,
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value,
  unit: 'celsius',
  timestamp: { seconds: 1_760_000_000, nanos: 5 },
  customSensor: '',
});
const batch = (size: number, prefix = 'r', idLength = 8) =>
  Array.from({ length: size }, (_, i) => reading(`${prefix}-${i}`.padEnd(idLength, 'x')));

describe('the service definition serializer', () => {
  const { requestSerialize: serialize, requestDeserialize: deserialize } =
    toServiceDefinition(SensorIngestionDefinition)['IngestBatch'];
  const fresh = (readings: Reading[]) => Buffer.from(IngestBatchRequest.encode({ readings }).finish());

  it('encodes each message exactly as a new writer would, whatever came before it', () => {
    const messages = [batch(300), batch(1), batch(40, 'long', 100), batch(2)];
    const encoded = messages.map((readings) => serialize({ readings }));
    encoded.forEach((bytes, i) => {
      expect(bytes).toEqual(fresh(messages[i]));
      expect(deserialize(bytes)).toEqual({ readings: messages[i] });
    });
    // Every message keeps its own bytes: encoding the next one did not write over them.
    expect(Buffer.concat(encoded)).toEqual(Buffer.concat(messages.map(fresh)));
  });

  it('starts clean after a message that failed to encode', () => {
    const before = batch(3);
    expect(serialize({ readings: before })).toEqual(fresh(before));
    // An out-of-range enum fails the int32 check half-way through the message.
    const broken = [...batch(5), { ...reading('bad'), sensorType: (2 ** 40) as SensorType }];
    expect(() => serialize({ readings: broken })).toThrow();
    const after = batch(2, 'next');
    expect(serialize({ readings: after })).toEqual(fresh(after));
  });

  it('encodes a message over a mebibyte, and the next one, exactly', () => {
    const big = batch(8_000, 'big', 120);
    expect(serialize({ readings: big })).toEqual(fresh(big));
    const small = batch(2, 'small');
    expect(serialize({ readings: small })).toEqual(fresh(small));
  });
});

describe('the request deserializer', () => {
  const bytesOf = (readings: Reading[]) => Buffer.from(IngestBatchRequest.encode({ readings }).finish());
  const withNul = [reading('r-1'), { ...reading('r-2'), deviceId: 'dev\u00001' }, reading('r-3')];

  it('refuses text holding U+0000, naming its field, and takes the next request as it is', () => {
    const deserialize = toServiceDefinition(SensorIngestionDefinition)['IngestBatch'].requestDeserialize;
    const refused: unknown = deserialize(bytesOf(withNul));
    expect(refused).toBeInstanceOf(UndecodableRequest);
    expect((refused as UndecodableRequest).error.violations).toEqual([
      expect.objectContaining({ field: 'readings[1].device_id', reason: 'FIELD.NUL_CHARACTER' }),
    ]);
    // The same string again in the next message is read from the reader's cache of earlier strings.
    const again = [
      { ...reading('r-4'), deviceId: 'dev\u00001' },
      { ...reading('r-5'), deviceId: 'dev\u00001' },
    ];
    expect(deserialize(bytesOf(again))).toBeInstanceOf(UndecodableRequest);
    expect(deserialize(bytesOf(batch(3)))).toEqual({ readings: batch(3) });
  });

  it('passes such text on where the service checks it itself', () => {
    const deserialize = toServiceDefinition(SensorIngestionDefinition, { refuseNulText: false })[
      'IngestBatch'
    ].requestDeserialize;
    expect(deserialize(bytesOf(withNul))).toEqual({ readings: withNul });
  });
});
