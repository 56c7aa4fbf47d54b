import { readingIdentity } from '@iot-mesh/platform';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const DUPLICATE_IN_BATCH = 'READING.DUPLICATE_IN_BATCH';

/** One caller's part of a merged IngestBatch result, in the caller's own positions. */
export interface CallerShare {
  result: BatchResult;
  /**
   * Readings the merged call did not judge for this caller: they repeated a rejected reading of an
   * earlier caller, or an ingestion that judges repeats by reading id alone took them for another
   * device's. They must be sent again on their own.
   */
  unjudged: number[];
}

/**
 * Splits a merged IngestBatch result into what each caller would have been told alone (ADR 6): its
 * own rejections and duplicates, re-indexed. Ingestion flags the later copy of a device's reading id
 * as DUPLICATE_IN_BATCH; when the earlier copy belongs to an earlier caller, the later one is a
 * duplicate if the earlier was accepted and unjudged if it was rejected.
 */
export function sharesOf(result: BatchResult, callers: ReadonlyArray<readonly Reading[]>): CallerShare[] {
  const starts: number[] = [];
  let next = 0;
  for (const caller of callers) {
    starts.push(next);
    next += caller.length;
  }
  const callerAt = (position: number) => starts.findLastIndex((start) => start <= position);
  // Positions outside the request (never sent by a sound ingestion) concern no caller.
  const inRequest = (position: number) => position >= 0 && position < next;
  const shares = callers.map((): CallerShare => ({
    result: { acceptedCount: 0, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    unjudged: [],
  }));
  const place = (position: number) => {
    const caller = callerAt(position);
    return { share: shares[caller], index: position - starts[caller] };
  };

  for (const position of new Set(result.duplicateIndexes)) {
    if (!inRequest(position)) continue;
    const { share, index } = place(position);
    share.result.duplicateIndexes.push(index);
  }

  const rejected = rejectionsByPosition(result.rejections);
  // Built only when some reading repeats, which is rare: where each reading first occurs in the merged
  // call, and in its own caller's readings.
  let firstPositions: Map<string, number> | undefined;
  const firstInCaller: (Map<string, number> | undefined)[] = [];
  const firstPosition = (position: number) => {
    firstPositions ??= firstPositionOfEach(callers.flat());
    const caller = callerAt(position);
    const identity = readingIdentity(callers[caller][position - starts[caller]]);
    firstInCaller[caller] ??= firstPositionOfEach(callers[caller]);
    return {
      inCall: firstPositions.get(identity)!,
      inCaller: starts[caller] + firstInCaller[caller].get(identity)!,
    };
  };
  for (const [position, rejections] of rejected) {
    if (!inRequest(position)) continue;
    const { share, index } = place(position);
    const firsts = rejections.some((r) => r.reason === DUPLICATE_IN_BATCH)
      ? firstPosition(position)
      : { inCall: position, inCaller: position };
    const first = firsts.inCall;
    // A repeat within the caller's own readings is a rejection it would also get alone, whoever sent
    // the reading first in the merged call.
    const ownRepeat = firsts.inCaller < position;
    const own = rejections.filter((r) => r.reason !== DUPLICATE_IN_BATCH || ownRepeat);
    if (own.length > 0) share.result.rejections.push(...own.map((rejection) => ({ ...rejection, index })));
    else if (first < position && !rejected.has(first)) share.result.duplicateIndexes.push(index);
    else share.unjudged.push(index);
  }

  shares.forEach(({ result: share, unjudged }, caller) => {
    share.duplicateIndexes.sort((a, b) => a - b);
    share.duplicateCount = share.duplicateIndexes.length;
    const rejectedCount = new Set(share.rejections.map((r) => r.index)).size;
    share.acceptedCount = callers[caller].length - rejectedCount - share.duplicateCount - unjudged.length;
  });
  return shares;
}

/** A share completed with the result of sending its unjudged readings on their own. */
export function withRejudged(share: CallerShare, again: BatchResult): BatchResult {
  const position = (index: number) => share.unjudged[index];
  const { result } = share;
  const duplicateIndexes = [
    ...result.duplicateIndexes,
    ...[...new Set(again.duplicateIndexes)].map(position),
  ];
  const rejections = [
    ...result.rejections,
    ...again.rejections.map((r) => ({ ...r, index: position(r.index) })),
  ];
  return {
    acceptedCount: result.acceptedCount + again.acceptedCount,
    duplicateCount: duplicateIndexes.length,
    rejections: rejections.sort((a, b) => a.index - b.index),
    duplicateIndexes: duplicateIndexes.sort((a, b) => a - b),
  };
}

function rejectionsByPosition(rejections: readonly ReadingRejection[]): Map<number, ReadingRejection[]> {
  const byPosition = new Map<number, ReadingRejection[]>();
  for (const rejection of rejections) {
    const earlier = byPosition.get(rejection.index);
    if (earlier) earlier.push(rejection);
    else byPosition.set(rejection.index, [rejection]);
  }
  return byPosition;
}

function firstPositionOfEach(readings: readonly Reading[]): Map<string, number> {
  const first = new Map<string, number>();
  readings.forEach((reading, position) => {
    const identity = readingIdentity(reading);
    if (!first.has(identity)) first.set(identity, position);
  });
  return first;
}
