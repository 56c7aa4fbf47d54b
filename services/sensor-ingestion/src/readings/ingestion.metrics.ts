import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY } from '@iot-mesh/platform';
import type { ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Counter, Gauge, type Registry } from 'prom-client';
import { READING_SINK } from '../ingestion.di-tokens.js';
import { READING_REJECTION_REASONS } from './domain/rejection-reasons.js';
import type { ReadingSink } from './reading-sink.port.js';

/** Domain metrics: what happened to the readings sent to ingestion. */
@Injectable()
export class IngestionMetrics {
  private readonly accepted: Counter;
  private readonly duplicates: Counter;
  private readonly rejected: Counter<'reason'>;
  /** Batches of IngestStream calls read and not yet ingested (see StreamReadAhead). */
  readonly streamBatchesPending: Gauge;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry, @Inject(READING_SINK) sink: ReadingSink) {
    this.accepted = new Counter({
      name: 'ingestion_readings_accepted_total',
      help: 'Readings validated and accepted as new by the data processor',
      registers: [registry],
    });
    this.duplicates = new Counter({
      name: 'ingestion_readings_duplicate_total',
      help: 'Valid readings the data processor had already seen (by reading id)',
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'ingestion_readings_rejected_total',
      help: 'Rejected readings, each counted once under the reason of its first problem',
      labelNames: ['reason'],
      registers: [registry],
    });
    // Each reason from 0, so that its first rejection shows in rate() and increase() too.
    for (const reason of READING_REJECTION_REASONS) this.rejected.inc({ reason }, 0);
    this.streamBatchesPending = new Gauge({
      name: 'ingestion_stream_batches_pending',
      help: 'IngestStream batches read from client streams and not yet ingested',
      registers: [registry],
    });
    new Gauge({
      name: 'ingestion_forward_readings_waiting',
      help: 'Accepted readings gathered to share the next ProcessReadings call, not yet sent',
      registers: [registry],
      collect() {
        this.set(sink.waitingReadings ?? 0);
      },
    });
  }

  recordForwarded(processed: number, duplicates: number): void {
    this.accepted.inc(processed);
    this.duplicates.inc(duplicates);
  }

  recordRejections(rejections: readonly ReadingRejection[]): void {
    const firstReasonByIndex = new Map<number, string>();
    for (const { index, reason } of rejections) {
      if (!firstReasonByIndex.has(index)) firstReasonByIndex.set(index, reason);
    }
    for (const reason of firstReasonByIndex.values()) this.rejected.inc({ reason });
  }
}
