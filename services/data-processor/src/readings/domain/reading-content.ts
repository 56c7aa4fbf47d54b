import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const valueBits = new DataView(new ArrayBuffer(8));

// The two 32-bit lanes of the digest being computed; module state, so no closure per reading.
let laneA = 0;
let laneB = 0;
function mix(word: number): void {
  laneA = Math.imul(laneA ^ word, 0x01000193);
  laneB = Math.imul(laneB ^ word, 0x5bd1e995);
  laneB ^= laneB >>> 15;
}

function mixText(text: string): void {
  for (let i = 0; i < text.length; i++) mix(text.charCodeAt(i));
  mix(-1); // where one text ends, so that ("ab", "") and ("a", "b") differ
}

/**
 * A 53-bit digest of what a reading says, kept beside its id: a reading sent again with the same
 * content is a retry (to be evaluated again), one that reuses the id with other values is not the
 * reading that was counted. A number rather than the text itself: a seen row stays small, and no
 * number is turned into text on the readings' path.
 */
export function readingContentHash(reading: Reading): number {
  laneA = 0x811c9dc5;
  laneB = 0x9747b28c;
  valueBits.setFloat64(0, reading.value);
  mix(valueBits.getInt32(0));
  mix(valueBits.getInt32(4));
  const seconds = reading.timestamp?.seconds ?? 0;
  mix(seconds | 0);
  mix(Math.floor(seconds / 2 ** 32));
  mix(reading.timestamp?.nanos ?? 0);
  mix(reading.sensorType);
  mixText(reading.unit);
  mixText(reading.customSensor);
  return (laneA >>> 0) * 2 ** 21 + ((laneB >>> 0) & 0x1fffff);
}
