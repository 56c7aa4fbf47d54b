import {
  CallCoalescer,
  ValidationError,
  readingIdentity,
  realTimer,
  type LingerTimer,
} from '@iot-mesh/platform';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

export interface SingleReadingOutcome {
  readingId: string;
  duplicate: boolean;
}

/** What one request's reading got in the shared call. */
type Answer =
  | { kind: 'accepted'; duplicate: boolean }
  | { kind: 'rejected'; rejections: ReadingRejection[] }
  // Shared the call with an earlier copy of its reading id that was rejected: judged on its own next time.
  | { kind: 'again' };

const DUPLICATE_IN_BATCH = 'READING.DUPLICATE_IN_BATCH';

export interface SingleReadingBatcherSettings {
  lingerMs: number;
  maxReadings: number;
  maxInFlight: number;
  /** See CoalescerSettings: false sends a request at once when no IngestBatch call is out. */
  lingerWhenIdle: boolean;
}

/**
 * Sends the single readings of concurrent requests to ingestion together, as one IngestBatch call:
 * one downstream call (and one processor transaction) for many devices' requests instead of one
 * each. Every request still gets what Ingest alone would have told it: its own duplicate flag, or
 * INVALID_ARGUMENT with its own field violations.
 */
export class SingleReadingBatcher {
  private readonly coalescer: CallCoalescer<Reading, BatchResult, Answer>;

  constructor(
    ingestBatch: (readings: Reading[]) => Promise<BatchResult>,
    settings: SingleReadingBatcherSettings,
    timer: LingerTimer = realTimer,
  ) {
    this.coalescer = new CallCoalescer(
      ingestBatch,
      answersPerRequest,
      {
        lingerMs: settings.lingerMs,
        maxItems: settings.maxReadings,
        maxInFlight: settings.maxInFlight,
        lingerWhenIdle: settings.lingerWhenIdle,
      },
      timer,
    );
  }

  async publish(reading: Reading): Promise<SingleReadingOutcome> {
    const answer = await this.coalescer.submit([reading]);
    switch (answer.kind) {
      case 'accepted':
        return { readingId: reading.readingId, duplicate: answer.duplicate };
      case 'rejected':
        // Ingestion judged it, as when it answers Ingest itself.
        throw new ValidationError(answer.rejections, 'READING.INVALID', { service: 'sensor-ingestion' });
      case 'again':
        return this.publish(reading);
    }
  }

  flush(): void {
    this.coalescer.flush();
  }
}

/**
 * Every request sent one reading, so request positions are batch positions. Two requests carrying
 * the same device's reading id meet ingestion's in-batch duplicate check: the later one is a
 * duplicate when the earlier was accepted, and is sent again on its own merits when the earlier was
 * rejected.
 */
function answersPerRequest(result: BatchResult, requests: ReadonlyArray<readonly Reading[]>): Answer[] {
  const duplicates = new Set(result.duplicateIndexes);
  const rejected = new Map<number, ReadingRejection[]>();
  for (const rejection of result.rejections) {
    const own = { ...rejection, index: 0 };
    const earlier = rejected.get(rejection.index);
    if (earlier) earlier.push(own);
    else rejected.set(rejection.index, [own]);
  }
  const identities = requests.map(([reading]) => reading && readingIdentity(reading));
  return identities.map((identity, index): Answer => {
    const rejections = rejected.get(index);
    if (!rejections) return { kind: 'accepted', duplicate: duplicates.has(index) };
    const own = rejections.filter((rejection) => rejection.reason !== DUPLICATE_IN_BATCH);
    if (own.length > 0) return { kind: 'rejected', rejections: own };
    const first = identities.indexOf(identity);
    return rejected.has(first) ? { kind: 'again' } : { kind: 'accepted', duplicate: true };
  });
}
