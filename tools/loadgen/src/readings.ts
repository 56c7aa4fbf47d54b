import { randomBytes } from 'node:crypto';
import { timestampFromMillis } from '@iot-mesh/platform';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

/** Ordinary room temperatures, °C. */
export const NORMAL_CELSIUS = { min: 18, max: 28 } as const;
/**
 * "Beyond normal": hot enough for any sensible alert rule (e.g. `> 40`), yet inside the range
 * ingestion accepts (-90..150 °C), so these readings are accepted and reach the alert manager.
 */
export const BEYOND_NORMAL_CELSIUS = { min: 45, max: 55 } as const;

/** One message to send: a stream batch, a REST batch or (B=1 over REST) a single reading. */
export interface OutgoingBatch {
  id: string;
  readings: Reading[];
  /** How many of the readings are beyond normal. */
  outOfRange: number;
  /** When the schedule wanted it sent (performance.now() ms); latency is measured from here. */
  scheduledAt: number;
}

/** A short id unique to this run, so reading ids never collide with an earlier run's. */
export function newRunId(now = Date.now()): string {
  return `${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * Whether the n-th reading (0-based) of a device is beyond normal. Spreading them evenly (not at
 * random) gives every device exactly floor(n * fraction) of them, so short runs are predictable.
 */
export function isOutOfRange(sequence: number, fraction: number): boolean {
  return outOfRangeAmong(sequence + 1, fraction) > outOfRangeAmong(sequence, fraction);
}

/**
 * floor(n * fraction) for the fraction as written in decimals: in binary floating point the product
 * can land just below the whole number it equals (100 * 0.29 = 28.999999999999996). Raising it by a
 * few units in the last place puts it back; only fractions written with some 15 significant digits
 * could be tipped over a whole number that they do not reach.
 */
function outOfRangeAmong(n: number, fraction: number): number {
  return Math.floor(n * fraction * (1 + 4 * Number.EPSILON));
}

/** A value that wanders over the band without randomness (repeatable runs). */
export function temperatureFor(sequence: number, outOfRange: boolean): number {
  const band = outOfRange ? BEYOND_NORMAL_CELSIUS : NORMAL_CELSIUS;
  const step = (sequence * 37) % 100; // 37 is coprime to 100: every step before a repeat
  return band.min + ((band.max - band.min) * step) / 100;
}

/** The readings of one simulated device: unique ids, the current time, the out-of-range share. */
export class DeviceReadings {
  private sequence = 0;
  private batches = 0;

  constructor(
    private readonly runId: string,
    private readonly deviceIndex: number,
    private readonly deviceId: string,
    private readonly outOfRangeFraction: number,
  ) {}

  nextBatch(size: number, scheduledAt: number): OutgoingBatch {
    const now = timestampFromMillis(Date.now());
    let outOfRange = 0;
    const readings = Array.from({ length: size }, (): Reading => {
      const sequence = this.sequence++;
      const high = isOutOfRange(sequence, this.outOfRangeFraction);
      if (high) outOfRange++;
      return {
        // Zero-padded, so that the ids of one device sort in the order they were sent.
        readingId: `${this.runId}-${this.deviceIndex}-${String(sequence).padStart(9, '0')}`,
        deviceId: this.deviceId,
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        value: temperatureFor(sequence, high),
        unit: 'celsius',
        timestamp: now,
        customSensor: '',
      };
    });
    return { id: `${this.runId}-${this.deviceIndex}-b${this.batches++}`, readings, outOfRange, scheduledAt };
  }
}
