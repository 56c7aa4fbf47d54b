import { ValidationError } from '@iot-mesh/platform';
import { ManualTimer } from '@iot-mesh/platform/testing';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { SingleReadingBatcher } from './single-reading-batcher.js';

const reading = (readingId: string, value = 20, deviceId = 'd'): Reading =>
  ({ readingId, deviceId, value }) as Reading;

/**
 * Judges a batch like ingestion: NaN is invalid, a reading repeated in the batch (same device and id;
 * `byIdAlone`: same id, as an ingestion before round 11 judged it) is flagged, known readings are
 * duplicates. `known` holds "device/id" keys.
 */
function fakeIngestion(known: Set<string>, byIdAlone = false) {
  const calls: string[][] = [];
  const ingestBatch = (readings: Reading[]): Promise<BatchResult> => {
    calls.push(readings.map((r) => r.readingId));
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
      if (known.has(key)) duplicateIndexes.push(index);
      known.add(key);
    });
    const accepted = readings.length - new Set(rejections.map((r) => r.index)).size;
    return Promise.resolve({
      acceptedCount: accepted - duplicateIndexes.length,
      duplicateCount: duplicateIndexes.length,
      rejections,
      duplicateIndexes,
    });
  };
  return { calls, ingestBatch };
}

describe('single reading batcher', () => {
  const settings = { lingerMs: 2, maxReadings: 10, maxInFlight: 0, lingerWhenIdle: true };
  /** A batcher in front of `ingestBatch`, lingering until the test fires its timer. */
  const batcherOn = (ingestBatch: (readings: Reading[]) => Promise<BatchResult>) => {
    const timer = new ManualTimer();
    return { timer, batcher: new SingleReadingBatcher(ingestBatch, settings, timer) };
  };

  it('sends concurrent requests as one batch and answers each with its own duplicate flag', async () => {
    const ingestion = fakeIngestion(new Set(['d/old']));
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const answers = Promise.all([batcher.publish(reading('new')), batcher.publish(reading('old'))]);
    timer.fire();
    await expect(answers).resolves.toEqual([
      { readingId: 'new', duplicate: false },
      { readingId: 'old', duplicate: true },
    ]);
    expect(ingestion.calls).toEqual([['new', 'old']]);
  });

  it("fails only the invalid request, with only that reading's violations at index 0", async () => {
    const ingestion = fakeIngestion(new Set());
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const good = batcher.publish(reading('good'));
    const bad = batcher.publish(reading('bad', Number.NaN));
    timer.fire();
    await expect(good).resolves.toEqual({ readingId: 'good', duplicate: false });
    const error = await bad.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations).toEqual([
      { index: 0, readingId: 'bad', reason: 'READING.NOT_FINITE', field: 'value', description: '' },
    ]);
  });

  it('answers a repeat of an accepted id in the same batch as a duplicate, as Ingest would', async () => {
    const ingestion = fakeIngestion(new Set());
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const answers = Promise.all([batcher.publish(reading('same')), batcher.publish(reading('same'))]);
    timer.fire();
    await expect(answers).resolves.toEqual([
      { readingId: 'same', duplicate: false },
      { readingId: 'same', duplicate: true },
    ]);
  });

  it('sends a repeat of a rejected id again on its own merits', async () => {
    const ingestion = fakeIngestion(new Set());
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const bad = batcher.publish(reading('same', Number.NaN)).catch((e: unknown) => e);
    const good = batcher.publish(reading('same', 21));
    timer.fire();
    expect(await bad).toBeInstanceOf(ValidationError);
    await new Promise((resolve) => setImmediate(resolve));
    timer.fire();
    await expect(good).resolves.toEqual({ readingId: 'same', duplicate: false });
    expect(ingestion.calls).toEqual([['same', 'same'], ['same']]);
  });

  it('answers two devices that send the same reading id in one batch each as a new reading', async () => {
    const ingestion = fakeIngestion(new Set());
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const answers = Promise.all([
      batcher.publish(reading('same', 20, 'a')),
      batcher.publish(reading('same', 20, 'b')),
    ]);
    timer.fire();
    await expect(answers).resolves.toEqual([
      { readingId: 'same', duplicate: false },
      { readingId: 'same', duplicate: false },
    ]);
    expect(ingestion.calls).toEqual([['same', 'same']]);
  });

  it('sends again on its own a reading that an ingestion judging by id alone took for another device’s', async () => {
    const ingestion = fakeIngestion(new Set(), true);
    const { timer, batcher } = batcherOn(ingestion.ingestBatch);
    const first = batcher.publish(reading('same', 20, 'a'));
    const second = batcher.publish(reading('same', 20, 'b'));
    timer.fire();
    await expect(first).resolves.toEqual({ readingId: 'same', duplicate: false });
    await new Promise((resolve) => setImmediate(resolve));
    timer.fire();
    await expect(second).resolves.toEqual({ readingId: 'same', duplicate: false });
    expect(ingestion.calls).toEqual([['same', 'same'], ['same']]);
  });

  it('fails every request of a failed call with the same error', async () => {
    const down = new Error('ingestion down');
    const { timer, batcher } = batcherOn(() => Promise.reject(down));
    const answers = [batcher.publish(reading('a')), batcher.publish(reading('b'))];
    timer.fire();
    for (const answer of answers) await expect(answer).rejects.toBe(down);
  });

  it('when not lingering while idle, sends a request at once if no call is out', async () => {
    const ingestion = fakeIngestion(new Set());
    const timer = new ManualTimer();
    const batcher = new SingleReadingBatcher(
      ingestion.ingestBatch,
      { ...settings, lingerWhenIdle: false },
      timer,
    );
    const first = batcher.publish(reading('first'));
    const second = batcher.publish(reading('second'));
    expect(ingestion.calls).toEqual([['first']]);
    timer.fire();
    await expect(Promise.all([first, second])).resolves.toEqual([
      { readingId: 'first', duplicate: false },
      { readingId: 'second', duplicate: false },
    ]);
    expect(ingestion.calls).toEqual([['first'], ['second']]);
  });
});
