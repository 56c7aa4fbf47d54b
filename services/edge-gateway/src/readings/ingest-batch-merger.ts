import { CallCoalescer, realTimer, type LingerTimer } from '@iot-mesh/platform';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { sharesOf, withRejudged, type CallerShare } from './ingest-batch-shares.js';

/** One IngestBatch call to sensor ingestion. */
export type IngestBatchCall = (readings: Reading[]) => Promise<BatchResult>;

export interface IngestMergeSettings {
  /** How long the first waiting caller waits for company (only while a call is out). */
  lingerMs: number;
  /** Most readings per merged call; a caller with more is sent on its own. */
  maxReadings: number;
  /** Most IngestBatch calls out at once (0 = no bound); beyond that, callers gather. */
  maxInFlight: number;
}

/**
 * Sends the readings of concurrent callers (single readings of REST and unary requests, or batches
 * of streams and REST batch requests) to ingestion in one IngestBatch call: one call, one ingestion
 * check and one processor transaction for many callers instead of one each. A caller that finds no
 * call out goes at once. Every caller is told what IngestBatch alone would have told it (ADR 6); a
 * failed call fails all its callers with the same error.
 */
export class IngestBatchMerger {
  private readonly coalescer: CallCoalescer<Reading, BatchResult, CallerShare>;

  constructor(
    private readonly ingestBatch: IngestBatchCall,
    private readonly settings: IngestMergeSettings,
    timer: LingerTimer = realTimer,
  ) {
    this.coalescer = new CallCoalescer(
      ingestBatch,
      sharesOf,
      {
        lingerMs: settings.lingerMs,
        maxItems: settings.maxReadings,
        maxInFlight: settings.maxInFlight,
        lingerWhenIdle: false,
      },
      timer,
    );
  }

  /** Readings gathered to share the next IngestBatch call, not yet sent. */
  get waitingReadings(): number {
    return this.coalescer.waitingItems;
  }

  async ingest(readings: readonly Reading[]): Promise<BatchResult> {
    if (readings.length > this.settings.maxReadings) return this.ingestBatch([...readings]);
    const share = await this.coalescer.submit(readings);
    if (share.unjudged.length === 0) return share.result;
    const again = await this.ingestBatch(share.unjudged.map((index) => readings[index]));
    return withRejudged(share, again);
  }
}
