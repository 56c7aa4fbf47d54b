import type { FieldViolation } from '@iot-mesh/platform';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { deviceViolation, type DeviceState } from './device-state.js';
import { checkReading, type TimeLimits } from './reading.validation.js';

/** A reading that passed the checks (normalised) with its position in the request. */
export interface IndexedReading {
  index: number;
  reading: Reading;
}

/** Which readings of a request go on and why the others do not. */
export interface BatchCheck {
  accepted: IndexedReading[];
  rejections: ReadingRejection[];
}

function rejections(index: number, readingId: string, violations: FieldViolation[]): ReadingRejection[] {
  return violations.map(({ field, reason, description }) => ({
    index,
    readingId,
    reason,
    field,
    description,
  }));
}

/**
 * The readings a request already passes on: devices choose their ids, so two devices may send the same
 * one, and only the same device's id again is a repeat. Ids are kept per device.
 */
class AcceptedIds {
  private readonly byDevice = new Map<string, Set<string>>();

  has({ deviceId, readingId }: Reading): boolean {
    return this.byDevice.get(deviceId)?.has(readingId) ?? false;
  }

  add({ deviceId, readingId }: Reading): void {
    let ids = this.byDevice.get(deviceId);
    if (!ids) this.byDevice.set(deviceId, (ids = new Set()));
    ids.add(readingId);
  }
}

/**
 * Checks every reading of a request on its own, and rejects a reading that an earlier accepted one of
 * the same request repeats (same device, same id): the second copy would be a duplicate the processor
 * silently drops. A copy of a rejected reading is judged on its own, as if the first had not been
 * sent. A request may carry several devices' readings (the gateway shares calls between devices).
 */
export function checkBatch(readings: readonly Reading[], now: number, limits: TimeLimits): BatchCheck {
  const passedOn = new AcceptedIds();
  const result: BatchCheck = { accepted: [], rejections: [] };
  readings.forEach((reading, index) => {
    const check = checkReading(reading, now, limits);
    const violations = check.ok ? [] : [...check.violations];
    if (reading.readingId !== '' && passedOn.has(reading)) {
      violations.push({
        field: 'reading_id',
        reason: 'READING.DUPLICATE_IN_BATCH',
        description: "the same device's reading id appears earlier in this request",
      });
    }
    if (check.ok && violations.length === 0) {
      result.accepted.push({ index, reading: check.reading });
      passedOn.add(reading);
    } else result.rejections.push(...rejections(index, reading.readingId, violations));
  });
  return result;
}

/** The distinct device ids of the accepted readings: each is looked up once per request. */
export function deviceIdsOf(check: BatchCheck): string[] {
  return [...new Set(check.accepted.map(({ reading }) => reading.deviceId))];
}

/** Moves readings of unknown or inactive devices from accepted to rejected; rejections stay in request order. */
export function applyDeviceStates(check: BatchCheck, states: ReadonlyMap<string, DeviceState>): BatchCheck {
  const accepted: IndexedReading[] = [];
  const rejected = [...check.rejections];
  for (const item of check.accepted) {
    const state = states.get(item.reading.deviceId) ?? { known: false };
    const problem = deviceViolation(state);
    if (problem) rejected.push(...rejections(item.index, item.reading.readingId, [problem]));
    else accepted.push(item);
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, rejections: rejected };
}
