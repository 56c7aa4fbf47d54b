import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';

export const EMPTY_BATCH_RESULT: BatchResult = {
  acceptedCount: 0,
  duplicateCount: 0,
  rejections: [],
  duplicateIndexes: [],
};

/** Running totals of a stream of batches. */
export interface StreamTotals {
  result: BatchResult;
  batchCount: number;
  readingCount: number;
}

export const EMPTY_STREAM_TOTALS: StreamTotals = {
  result: EMPTY_BATCH_RESULT,
  batchCount: 0,
  readingCount: 0,
};

/**
 * Adds one batch of `size` readings to the totals. Rejection and duplicate indexes become positions in the whole
 * stream (readings of earlier batches counted first), so they stay unambiguous in the totals.
 */
export function addBatch(totals: StreamTotals, size: number, batch: BatchResult): StreamTotals {
  const offset = totals.readingCount;
  return {
    result: {
      acceptedCount: totals.result.acceptedCount + batch.acceptedCount,
      duplicateCount: totals.result.duplicateCount + batch.duplicateCount,
      rejections: [
        ...totals.result.rejections,
        ...batch.rejections.map((rejection) => ({ ...rejection, index: rejection.index + offset })),
      ],
      duplicateIndexes: [
        ...totals.result.duplicateIndexes,
        ...batch.duplicateIndexes.map((index) => index + offset),
      ],
    },
    batchCount: totals.batchCount + 1,
    readingCount: totals.readingCount + size,
  };
}
