import { UnavailableError } from '@iot-mesh/platform';
import { ManualTimer } from '@iot-mesh/platform/testing';
import type { ProcessReadingsResponse } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ForwardOutcome } from '../readings/reading-sink.port.js';
import { ForwardBatcher } from './forward-batcher.js';
import type { ReadingProcessor } from './grpc-data-processor.sink.js';

const reading = (readingId: string): Reading => ({ readingId }) as Reading;
const ids = (readings: readonly Reading[]) => readings.map((r) => r.readingId);

/** Dedupes by reading id like the processor; each call waits until the test answers it. */
class FakeProcessor implements ReadingProcessor {
  readonly calls: string[][] = [];
  private readonly seen = new Set<string>();
  private readonly waiting: Array<{ answer: () => void; fail: (error: unknown) => void }> = [];

  processReadings(readings: readonly Reading[]): Promise<ProcessReadingsResponse> {
    this.calls.push(ids(readings));
    return new Promise((resolve, reject) => {
      this.waiting.push({
        answer: () => {
          const duplicateIndexes: number[] = [];
          readings.forEach((r, index) => {
            if (this.seen.has(r.readingId)) duplicateIndexes.push(index);
            else this.seen.add(r.readingId);
          });
          resolve({
            processedCount: readings.length - duplicateIndexes.length,
            duplicateCount: duplicateIndexes.length,
            duplicateIndexes,
          });
        },
        fail: reject,
      });
    });
  }

  markSeen(...readingIds: string[]): void {
    for (const id of readingIds) this.seen.add(id);
  }

  /** Answers the oldest unanswered call. */
  answer(): void {
    this.next().answer();
  }

  fail(error: unknown): void {
    this.next().fail(error);
  }

  private next() {
    const call = this.waiting.shift();
    if (!call) throw new Error('no call is waiting');
    return call;
  }
}

/** Lets settled promises run their callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled yet. */
function track(promise: Promise<ForwardOutcome>) {
  const state: { outcome?: ForwardOutcome; error?: unknown } = {};
  promise.then(
    (outcome) => (state.outcome = outcome),
    (error: unknown) => (state.error = error),
  );
  return state;
}

describe('forward batcher', () => {
  let processor: FakeProcessor;
  let timer: ManualTimer;
  let batcher: ForwardBatcher;

  beforeEach(() => {
    processor = new FakeProcessor();
    timer = new ManualTimer();
    batcher = new ForwardBatcher(
      processor,
      { lingerMs: 2, chunkSize: 5, maxInFlight: 0, lingerWhenIdle: true },
      timer,
    );
  });

  it('coalesces concurrent callers into one call and tells each its own duplicates', async () => {
    processor.markSeen('b-1', 'c-0');
    const a = batcher.forward([reading('a-0'), reading('a-1')]);
    const b = batcher.forward([reading('b-0'), reading('b-1')]);
    const c = batcher.forward([reading('c-0')]);
    timer.fire();
    expect(processor.calls).toEqual([['a-0', 'a-1', 'b-0', 'b-1', 'c-0']]);
    processor.answer();
    await expect(Promise.all([a, b, c])).resolves.toEqual([
      { processed: 2, duplicates: 0, duplicateIndexes: [] },
      { processed: 1, duplicates: 1, duplicateIndexes: [1] },
      { processed: 0, duplicates: 1, duplicateIndexes: [0] },
    ]);
  });

  it('answers nobody before the processor accepted the call', async () => {
    const a = track(batcher.forward([reading('a-0')]));
    const b = track(batcher.forward([reading('b-0')]));
    timer.fire();
    await settle();
    expect([a, b]).toEqual([{}, {}]);
    processor.answer();
    await settle();
    expect([a.outcome, b.outcome]).toEqual([
      { processed: 1, duplicates: 0, duplicateIndexes: [] },
      { processed: 1, duplicates: 0, duplicateIndexes: [] },
    ]);
  });

  it('waits for the linger timer, armed once per batch', () => {
    void batcher.forward([reading('a-0')]);
    void batcher.forward([reading('b-0')]);
    expect(processor.calls).toEqual([]);
    expect(timer.delays).toEqual([2]);
    timer.fire();
    expect(processor.calls).toEqual([['a-0', 'b-0']]);
    void batcher.forward([reading('c-0')]);
    expect(timer.delays).toEqual([2, 2]);
    timer.fire();
    expect(processor.calls).toEqual([['a-0', 'b-0'], ['c-0']]);
  });

  it('sends as soon as chunk-size readings wait, without splitting a caller', async () => {
    const a = batcher.forward([reading('a-0'), reading('a-1'), reading('a-2')]);
    const b = batcher.forward([reading('b-0'), reading('b-1')]);
    // Full: gone without the timer, which is cancelled.
    expect(processor.calls).toEqual([['a-0', 'a-1', 'a-2', 'b-0', 'b-1']]);
    expect(timer.armedCount).toBe(0);
    const c = batcher.forward([reading('c-0'), reading('c-1'), reading('c-2')]);
    const d = batcher.forward([reading('d-0'), reading('d-1'), reading('d-2')]);
    // d does not fit next to c: c goes alone, d waits for company.
    expect(processor.calls.slice(1)).toEqual([['c-0', 'c-1', 'c-2']]);
    timer.fire();
    expect(processor.calls.slice(2)).toEqual([['d-0', 'd-1', 'd-2']]);
    processor.answer();
    processor.answer();
    processor.answer();
    await expect(Promise.all([a, b, c, d])).resolves.toEqual([
      { processed: 3, duplicates: 0, duplicateIndexes: [] },
      { processed: 2, duplicates: 0, duplicateIndexes: [] },
      { processed: 3, duplicates: 0, duplicateIndexes: [] },
      { processed: 3, duplicates: 0, duplicateIndexes: [] },
    ]);
  });

  it('chunks a caller that alone exceeds the chunk size, in order, one chunk after the other', async () => {
    const readings = Array.from({ length: 12 }, (_, i) => reading(`big-${i}`));
    const big = batcher.forward(readings);
    expect(processor.calls).toEqual([ids(readings.slice(0, 5))]);
    processor.answer();
    await settle();
    expect(processor.calls).toEqual([ids(readings.slice(0, 5)), ids(readings.slice(5, 10))]);
    processor.answer();
    await settle();
    processor.answer();
    await expect(big).resolves.toEqual({ processed: 12, duplicates: 0, duplicateIndexes: [] });
    expect(processor.calls.map((call) => call.length)).toEqual([5, 5, 2]);
    expect(timer.delays).toEqual([]);
  });

  it('fails every caller of a failed call with the same error', async () => {
    const down = new UnavailableError('PROCESSOR.UNAVAILABLE', 'data processor did not accept the readings');
    const a = batcher.forward([reading('a-0')]);
    const b = batcher.forward([reading('b-0'), reading('b-1')]);
    timer.fire();
    processor.fail(down);
    await expect(a).rejects.toBe(down);
    await expect(b).rejects.toBe(down);
    // The next batch starts afresh.
    const c = batcher.forward([reading('c-0')]);
    timer.fire();
    processor.answer();
    await expect(c).resolves.toEqual({ processed: 1, duplicates: 0, duplicateIndexes: [] });
  });

  it('with linger 0 forwards every caller directly, as before', async () => {
    const direct = new ForwardBatcher(
      processor,
      { lingerMs: 0, chunkSize: 5, maxInFlight: 0, lingerWhenIdle: true },
      timer,
    );
    processor.markSeen('b-0');
    const a = direct.forward([reading('a-0')]);
    const b = direct.forward([reading('b-0'), reading('b-1')]);
    expect(processor.calls).toEqual([['a-0'], ['b-0', 'b-1']]);
    expect(timer.delays).toEqual([]);
    processor.answer();
    processor.answer();
    await expect(Promise.all([a, b])).resolves.toEqual([
      { processed: 1, duplicates: 0, duplicateIndexes: [] },
      { processed: 1, duplicates: 1, duplicateIndexes: [0] },
    ]);
  });

  it('when not lingering while idle, forwards a caller at once if no call is out', async () => {
    const eager = new ForwardBatcher(
      processor,
      { lingerMs: 2, chunkSize: 5, maxInFlight: 0, lingerWhenIdle: false },
      timer,
    );
    const a = eager.forward([reading('a-0')]);
    const b = eager.forward([reading('b-0')]);
    expect(processor.calls).toEqual([['a-0']]);
    timer.fire();
    expect(processor.calls).toEqual([['a-0'], ['b-0']]);
    processor.answer();
    processor.answer();
    await expect(Promise.all([a, b])).resolves.toEqual([
      { processed: 1, duplicates: 0, duplicateIndexes: [] },
      { processed: 1, duplicates: 0, duplicateIndexes: [] },
    ]);
  });
});
