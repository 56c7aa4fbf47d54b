import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, millisFromTimestamp, readingIdentity, ValidationError } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Counter, type Registry } from 'prom-client';
import {
  foldReadings,
  windowsTouchedBy,
  type AggregatedReading,
} from '../aggregates/domain/window-aggregate.js';
import type { ProcessorConfig } from '../config.js';
import type { ProcessorStore, ReadingRef } from '../infrastructure/processor-store.port.js';
import { CLOCK, PROCESSOR_CONFIG, PROCESSOR_STORE } from '../processor.di-tokens.js';
import { readingContentHash } from './domain/reading-content.js';
import { readingsViolations } from './domain/reading.validation.js';
import { EvaluationHandOver } from './evaluation-hand-over.js';

export interface ProcessOutcome {
  processedCount: number;
  duplicateCount: number;
  /** Positions of the duplicate readings in the request. */
  duplicateIndexes: number[];
}

const toAggregated = (reading: Reading): AggregatedReading => ({
  deviceId: reading.deviceId,
  sensorType: reading.sensorType,
  customSensor: reading.customSensor,
  value: reading.value,
  timestamp: millisFromTimestamp(reading.timestamp!),
});

interface Sorted {
  /** The readings to count: the first of each id not known before. */
  counted: AggregatedReading[];
  /** Positions of the others (known before, or repeated in the request). */
  duplicateIndexes: number[];
  /** The readings to evaluate for alerts: those counted, and known ones sent again as they were. */
  evaluated: Reading[];
}

interface Aggregated extends Omit<Sorted, 'counted'> {
  /** The readings' devices that have readings in the pending-evaluation queue, as the transaction found. */
  queuedDevices: ReadonlySet<string>;
}

const NO_DEVICES: ReadonlySet<string> = new Set();

/**
 * Sorts a request's readings by what the store knew of them. A known reading sent again with the same
 * content is a retry (its first evaluation may have failed), so it is evaluated again; one that reuses
 * an id with other values was not counted, so it must not raise or resolve alerts either.
 */
function sortReadings(
  readings: readonly Reading[],
  fresh: readonly ReadingRef[],
  stored: ReadonlyMap<string, number | null>,
): Sorted {
  // As many new ids as readings: every reading is new and none repeats, the usual case.
  if (fresh.length === readings.length) {
    return { counted: readings.map(toAggregated), duplicateIndexes: [], evaluated: [...readings] };
  }
  const freshIds = new Set(fresh.map(readingIdentity));
  const sorted: Sorted = { counted: [], duplicateIndexes: [], evaluated: [] };
  const evaluatedIds = new Set<string>();
  readings.forEach((reading, index) => {
    const identity = readingIdentity(reading);
    // The first occurrence of a fresh id counts; a repeat within the same request is a duplicate.
    const counted = freshIds.delete(identity);
    if (counted) sorted.counted.push(toAggregated(reading));
    else sorted.duplicateIndexes.push(index);
    if (evaluatedIds.has(identity)) return;
    const content = stored.get(identity);
    if (counted || content === null || content === readingContentHash(reading)) {
      evaluatedIds.add(identity);
      sorted.evaluated.push(reading);
    }
  });
  return sorted;
}

/**
 * Counts each reading once, durably, then has them evaluated for alerts. The readings are committed
 * before the alert manager is called; when that call fails they wait in the pending-evaluation queue
 * (EvaluationHandOver). Only when they cannot be queued either does the call fail, and the caller's
 * retry finds them as duplicates: they are evaluated again (being the same readings) but never
 * counted twice.
 */
@Injectable()
export class ProcessReadingsService {
  private readonly readingsTotal: Counter<'result'>;

  constructor(
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    // The hand-over, which queues what the alert manager does not take; a test may pass another.
    @Inject(EvaluationHandOver) private readonly evaluation: Pick<EvaluationHandOver, 'lineUp' | 'evaluate'>,
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.readingsTotal = new Counter({
      name: 'data_processor_readings_total',
      help: 'Readings received, by result: processed (counted into windows) or duplicate',
      labelNames: ['result'],
      registers: [registry],
    });
  }

  async process(readings: readonly Reading[]): Promise<ProcessOutcome> {
    const violations = readingsViolations(readings);
    if (violations.length > 0) throw new ValidationError(violations, 'READINGS.INVALID');
    if (readings.length === 0) return { processedCount: 0, duplicateCount: 0, duplicateIndexes: [] };

    // In line from its arrival, so that its readings reach the alert manager after those of the
    // earlier calls of its devices even when their transactions end in another order.
    const turn = this.evaluation.lineUp(readings);
    try {
      const { duplicateIndexes, evaluated, queuedDevices } = await this.aggregateNew(readings);
      const duplicateCount = duplicateIndexes.length;
      const processedCount = readings.length - duplicateCount;
      this.readingsTotal.inc({ result: 'processed' }, processedCount);
      this.readingsTotal.inc({ result: 'duplicate' }, duplicateCount);

      if (evaluated.length > 0) await this.evaluation.evaluate(evaluated, turn, queuedDevices);
      return { processedCount, duplicateCount, duplicateIndexes };
    } finally {
      turn.leave();
    }
  }

  /**
   * Records the readings and folds the new ones into their windows in one transaction; returns the
   * positions of the duplicates, the readings to evaluate and which of their devices have readings
   * queued for the alert manager, by this replica or another.
   */
  private aggregateNew(readings: readonly Reading[]): Promise<Aggregated> {
    const now = this.now();
    return this.store.inTransaction(async (transaction) => {
      const seen = readings.map((r) => ({
        deviceId: r.deviceId,
        readingId: r.readingId,
        contentHash: readingContentHash(r),
        time: millisFromTimestamp(r.timestamp!),
      }));
      const fresh = await transaction.recordNewReadings(seen, now);
      const known = fresh.length < readings.length ? await transaction.storedContents(readings) : new Map();
      const { counted, duplicateIndexes, evaluated } = sortReadings(readings, fresh, known);
      const keys = windowsTouchedBy(counted, now, this.config.lateReadingsMs);
      if (keys.length > 0) {
        const current = await transaction.lockWindows(keys);
        await transaction.saveWindows(foldReadings(keys, current, counted, this.config.sketchForms));
      }
      const queuedDevices =
        evaluated.length > 0 ? await transaction.devicesWithPendingEvaluations() : NO_DEVICES;
      return { duplicateIndexes, evaluated, queuedDevices };
    });
  }
}
