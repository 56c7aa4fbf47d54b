import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const valueBits = new DataView(new ArrayBuffer(8));

/**
 * A 53-bit digest of what a reading says, kept beside its id: a reading sent again with the same
 * content is a retry (to be evaluated again), one that reuses the id with other values is not the
 * reading that was counted. A number rather than the text itself: a seen row stays small, and no
 * number is turned into text on the readings' path.
 */
export function readingContentHash(reading: Reading): number {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  const mix = (word: number) => {
    a = Math.imul(a ^ word, 0x01000193);
    b = Math.imul(b ^ word, 0x5bd1e995);
    b ^= b >>> 15;
  };
  valueBits.setFloat64(0, reading.value);
  mix(valueBits.getInt32(0));
  mix(valueBits.getInt32(4));
  const seconds = reading.timestamp?.seconds ?? 0;
  mix(seconds | 0);
  mix(Math.floor(seconds / 2 ** 32));
  mix(reading.timestamp?.nanos ?? 0);
  mix(reading.sensorType);
  for (const text of [reading.unit, reading.customSensor]) {
    for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
    mix(-1); // where one text ends, so that ("ab", "") and ("a", "b") differ
  }
  return (a >>> 0) * 2 ** 21 + ((b >>> 0) & 0x1fffff);
}
