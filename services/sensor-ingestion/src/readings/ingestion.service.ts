import { Inject, Injectable } from '@nestjs/common';
import { untracedMessages, ValidationError, type MessageTrace } from '@iot-mesh/platform';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { concatMap, reduce, tap, type Observable } from 'rxjs';
import type { IngestionConfig } from '../config.js';
import { CLOCK, DEVICE_DIRECTORY, INGESTION_CONFIG, READING_SINK } from '../ingestion.di-tokens.js';
import type { DeviceDirectory } from './device-directory.port.js';
import {
  addBatch,
  EMPTY_BATCH_RESULT,
  EMPTY_STREAM_TOTALS,
  type StreamTotals,
} from './domain/batch-result.js';
import { applyDeviceStates, checkBatch, deviceIdsOf, type BatchCheck } from './domain/reading-batch.js';
import { IngestionMetrics } from './ingestion.metrics.js';
import type { ForwardOutcome, ReadingSink } from './reading-sink.port.js';

/**
 * Ingestion use cases: check readings and their devices, forward the accepted ones, and answer
 * only after the processor accepted them (at-least-once end to end).
 */
@Injectable()
export class IngestionService {
  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(DEVICE_DIRECTORY) private readonly devices: DeviceDirectory,
    @Inject(READING_SINK) private readonly sink: ReadingSink,
    @Inject(CLOCK) private readonly now: () => number,
    private readonly metrics: IngestionMetrics,
  ) {}

  /** One reading: any problem fails the call with INVALID_ARGUMENT and all field violations. */
  async ingestOne(reading: Reading): Promise<{ readingId: string; duplicate: boolean }> {
    const check = await this.check([reading]);
    if (check.rejections.length > 0) {
      this.metrics.recordRejections(check.rejections);
      throw new ValidationError(check.rejections, 'READING.INVALID');
    }
    const outcome = await this.forward(check);
    return { readingId: reading.readingId, duplicate: outcome.duplicates > 0 };
  }

  /** A batch: invalid readings are reported per item, the valid ones go on. */
  async ingestBatch(readings: readonly Reading[]): Promise<BatchResult> {
    this.checkBatchSize(readings.length);
    const check = await this.check(readings);
    this.metrics.recordRejections(check.rejections);
    if (check.accepted.length === 0) return { ...EMPTY_BATCH_RESULT, rejections: check.rejections };
    const outcome = await this.forward(check);
    return {
      acceptedCount: outcome.processed,
      duplicateCount: outcome.duplicates,
      rejections: check.rejections,
      // Positions among the forwarded readings, back to positions in the request.
      duplicateIndexes: outcome.duplicateIndexes.map((position) => check.accepted[position]?.index ?? -1),
    };
  }

  /**
   * Batches handled one after the other as they arrive, each inside `batchTrace`, `ingested` called
   * after each; the first failure fails the stream.
   */
  ingestStream(
    batches: Observable<readonly Reading[]>,
    ingested: () => void = () => undefined,
    batchTrace: MessageTrace = untracedMessages,
  ): Observable<StreamTotals> {
    return batches.pipe(
      concatMap((readings) =>
        batchTrace(() => this.ingestBatch(readings)).then((result) => ({ size: readings.length, result })),
      ),
      tap(ingested),
      reduce((totals, batch) => addBatch(totals, batch.size, batch.result), EMPTY_STREAM_TOTALS),
    );
  }

  private checkBatchSize(size: number): void {
    const max = this.config.maxBatchSize;
    if (size >= 1 && size <= max) return;
    throw new ValidationError(
      [
        size === 0
          ? { field: 'readings', reason: 'BATCH.EMPTY', description: 'send at least one reading' }
          : {
              field: 'readings',
              reason: 'BATCH.TOO_LARGE',
              description: `at most ${max} readings per batch`,
            },
      ],
      size === 0 ? 'BATCH.EMPTY' : 'BATCH.TOO_LARGE',
    );
  }

  private async forward(check: BatchCheck): Promise<ForwardOutcome> {
    const outcome = await this.sink.forward(check.accepted.map((item) => item.reading));
    this.metrics.recordForwarded(outcome.processed, outcome.duplicates);
    return outcome;
  }

  private async check(readings: readonly Reading[]): Promise<BatchCheck> {
    const fields = checkBatch(readings, this.now(), this.config.timeLimits);
    const ids = deviceIdsOf(fields);
    const states = await Promise.all(ids.map(async (id) => [id, await this.devices.stateOf(id)] as const));
    return applyDeviceStates(fields, new Map(states));
  }
}
