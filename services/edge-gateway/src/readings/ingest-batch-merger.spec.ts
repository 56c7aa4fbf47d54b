import { ManualTimer } from '@iot-mesh/platform/testing';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { IngestBatchMerger } from './ingest-batch-merger.js';

const reading = (readingId: string, value = 20, deviceId = 'd'): Reading =>
  ({ readingId, deviceId, value }) as Reading;

/**
 * Judges a batch like ingestion: NaN is invalid, a reading repeated in the batch (same device and id;
 * `byIdAlone`: same id, as an ingestion before round 11 judged it) is flagged, known readings are
 * duplicates. `known` holds "device/id" keys.
 */
function fakeIngestion(known: Iterable<string>, byIdAlone = false) {
  const stored = new Set(known);
  const calls: string[][] = [];
  const ingestBatch = (readings: Reading[]): Promise<BatchResult> => {
    calls.push(readings.map((r) => `${r.deviceId}/${r.readingId}`));
    const rejections: ReadingRejection[] = [];
    const duplicateIndexes: number[] = [];
    const seen = new Set<string>();
    readings.forEach((r, index) => {
      const key = `${r.deviceId}/${r.readingId}`;
      const repeat = byIdAlone ? r.readingId : key;
      const base = { index, readingId: r.readingId, description: '' };
      if (Number.isNaN(r.value)) rejections.push({ ...base, reason: 'READING.NOT_FINITE', field: 'value' });
      if (seen.has(repeat))
        rejections.push({ ...base, reason: 'READING.DUPLICATE_IN_BATCH', field: 'reading_id' });
      seen.add(repeat);
      if (rejections.some((x) => x.index === index)) return;
      if (stored.has(key)) duplicateIndexes.push(index);
      stored.add(key);
    });
    const accepted = readings.length - new Set(rejections.map((r) => r.index)).size;
    return Promise.resolve({
      acceptedCount: accepted - duplicateIndexes.length,
      duplicateCount: duplicateIndexes.length,
      rejections,
      duplicateIndexes,
    });
  };
  return { calls, stored, ingestBatch };
}

const settings = { lingerMs: 2, maxReadings: 10, maxInFlight: 0 };

/**
 * Sends `callers` through a merger in front of `ingestion` so that they share one call: an opener
 * (device "o") finds no call out and goes at once, the callers gather behind it until the linger ends.
 */
async function merged(ingestion: ReturnType<typeof fakeIngestion>, callers: Reading[][]) {
  const timer = new ManualTimer();
  const merger = new IngestBatchMerger(ingestion.ingestBatch, settings, timer);
  const opener = merger.ingest([reading('opener', 20, 'o')]);
  const answers = Promise.all(callers.map((readings) => merger.ingest(readings)));
  timer.fire();
  await opener;
  return answers;
}

/** What each caller gets from IngestBatch alone, one after the other, from the same known readings. */
async function alone(known: Iterable<string>, callers: Reading[][]): Promise<BatchResult[]> {
  const ingestion = fakeIngestion(known);
  const results: BatchResult[] = [];
  for (const readings of callers) results.push(await ingestion.ingestBatch(readings));
  return results;
}

/** Merged through the merger, and each caller on its own: both answers, and the merged calls made. */
async function bothWays(known: string[], callers: Reading[][], byIdAlone = false) {
  const ingestion = fakeIngestion(known, byIdAlone);
  const answers = await merged(ingestion, callers);
  return { answers, expected: await alone(known, callers), calls: ingestion.calls.slice(1), ingestion };
}

describe('IngestBatch merger', () => {
  it("sends concurrent callers as one call and tells each its own readings' outcome", async () => {
    const { answers, expected, calls } = await bothWays(
      ['a/old', 'b/b1'],
      [
        [reading('a1', 20, 'a'), reading('a2', Number.NaN, 'a'), reading('old', 20, 'a')],
        [reading('b1', 20, 'b'), reading('b2', Number.NaN, 'b'), reading('b3', 20, 'b')],
        [reading('c1', 20, 'c')],
      ],
    );
    expect(calls).toEqual([['a/a1', 'a/a2', 'a/old', 'b/b1', 'b/b2', 'b/b3', 'c/c1']]);
    expect(answers).toEqual(expected);
    expect(answers[1]).toEqual({
      acceptedCount: 1,
      duplicateCount: 1,
      duplicateIndexes: [0],
      rejections: [
        { index: 1, readingId: 'b2', reason: 'READING.NOT_FINITE', field: 'value', description: '' },
      ],
    });
  });

  it("keeps a caller's repeat of its own reading id as the rejection it would get alone", async () => {
    const { answers, expected, calls } = await bothWays(
      [],
      [[reading('x', 20, 'a')], [reading('r1'), reading('r2'), reading('r1')]],
    );
    expect(calls).toHaveLength(1);
    expect(answers).toEqual(expected);
    expect(answers[1]?.rejections.map((r) => [r.index, r.reason])).toEqual([
      [2, 'READING.DUPLICATE_IN_BATCH'],
    ]);
  });

  it("answers a device's retry that shares the call with its original as duplicates", async () => {
    const batch = [reading('r1'), reading('r2')];
    const { answers, expected, calls } = await bothWays([], [batch, [...batch, reading('r3')]]);
    expect(calls).toHaveLength(1);
    expect(answers).toEqual(expected);
    expect(answers[1]).toMatchObject({ acceptedCount: 1, duplicateCount: 2, duplicateIndexes: [0, 1] });
  });

  it("keeps a caller's own repeats rejected when an earlier caller sent the same readings", async () => {
    // Streams of one device sending [f, f, old, old] at once: the later ones see f first in another
    // batch, but their own second f and second old are still repeats within their batch.
    const batch = [reading('f'), reading('f'), reading('old'), reading('old')];
    const { answers, expected, calls } = await bothWays(['d/old'], [batch, batch]);
    expect(calls).toHaveLength(1);
    expect(answers).toEqual(expected);
    expect(answers[1]).toMatchObject({ acceptedCount: 0, duplicateCount: 2, duplicateIndexes: [0, 2] });
    expect(answers[1]?.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'READING.DUPLICATE_IN_BATCH'],
      [3, 'READING.DUPLICATE_IN_BATCH'],
    ]);
  });

  it("sends on their own only the readings that repeat another caller's rejected reading", async () => {
    const { answers, expected, calls } = await bothWays(
      [],
      [[reading('same', Number.NaN)], [reading('other'), reading('same', 21), reading('last')]],
    );
    expect(calls).toEqual([['d/same', 'd/other', 'd/same', 'd/last'], ['d/same']]);
    expect(answers).toEqual(expected);
    expect(answers[1]).toEqual({ acceptedCount: 3, duplicateCount: 0, rejections: [], duplicateIndexes: [] });
  });

  it('answers two devices that send the same reading id in one call each as a new reading', async () => {
    const { answers, expected, calls } = await bothWays(
      [],
      [[reading('same', 20, 'a')], [reading('same', 20, 'b')]],
    );
    expect(calls).toEqual([['a/same', 'b/same']]);
    expect(answers).toEqual(expected);
    expect(answers.map((a) => a.acceptedCount)).toEqual([1, 1]);
  });

  it("sends again on its own a reading that an ingestion judging by id alone took for another device's", async () => {
    const { answers, expected, calls, ingestion } = await bothWays(
      [],
      [[reading('same', 20, 'a')], [reading('same', 20, 'b'), reading('own', 20, 'b')]],
      true,
    );
    expect(calls).toEqual([['a/same', 'b/same', 'b/own'], ['b/same']]);
    expect(answers).toEqual(expected);
    expect(ingestion.stored).toEqual(new Set(['o/opener', 'a/same', 'b/same', 'b/own']));
  });

  it('fails every caller of a failed call with the same error', async () => {
    const down = new Error('ingestion down');
    const timer = new ManualTimer();
    const merger = new IngestBatchMerger(() => Promise.reject(down), settings, timer);
    const answers = [merger.ingest([reading('a')]), merger.ingest([reading('b')])];
    timer.fire();
    for (const answer of answers) await expect(answer).rejects.toBe(down);
  });

  it('sends a caller at once when no call is out, and one with more than the most readings on its own', async () => {
    const ingestion = fakeIngestion([]);
    const timer = new ManualTimer();
    const merger = new IngestBatchMerger(ingestion.ingestBatch, settings, timer);
    const big = Array.from({ length: 11 }, (_, i) => reading(`big-${i}`));
    const first = merger.ingest([reading('first')]);
    const second = merger.ingest([reading('second')]);
    const third = merger.ingest(big);
    expect(ingestion.calls).toEqual([['d/first'], big.map((r) => `d/${r.readingId}`)]);
    timer.fire();
    await expect(Promise.all([first, second, third])).resolves.toMatchObject([
      { acceptedCount: 1 },
      { acceptedCount: 1 },
      { acceptedCount: 11 },
    ]);
    expect(ingestion.calls.slice(2)).toEqual([['d/second']]);
  });
});
