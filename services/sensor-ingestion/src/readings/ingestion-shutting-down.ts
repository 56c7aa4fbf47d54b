import { UnavailableError } from '@iot-mesh/platform';
import type { StreamTotals } from './domain/batch-result.js';

/**
 * How an IngestStream cut off by a shutdown ends: UNAVAILABLE, which the client retries elsewhere, with
 * how many of its first batches were ingested, so that it sends only the rest again (a batch sent twice
 * is harmless: its readings come back as duplicates).
 */
export function ingestionShuttingDown(totals: StreamTotals): UnavailableError {
  return new UnavailableError(
    'INGESTION.SHUTTING_DOWN',
    `sensor ingestion is shutting down: the first ${totals.batchCount} batches of this stream were ingested; ` +
      'send the rest again on a new stream',
    {
      batchCount: String(totals.batchCount),
      acceptedCount: String(totals.result.acceptedCount),
      duplicateCount: String(totals.result.duplicateCount),
    },
  );
}
