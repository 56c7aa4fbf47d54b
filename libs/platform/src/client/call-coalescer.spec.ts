import { ManualTimer } from '../testing/manual-timer.js';
import { CallCoalescer } from './call-coalescer.js';

/** A downstream that doubles numbers and answers each call only when the test says so. */
class Downstream {
  readonly calls: number[][] = [];
  private readonly waiting: Array<{ answer: () => void; fail: (error: unknown) => void }> = [];

  call = (items: number[]): Promise<number[]> => {
    this.calls.push(items);
    return new Promise((resolve, reject) => {
      this.waiting.push({ answer: () => resolve(items.map((n) => n * 2)), fail: reject });
    });
  };

  answer(): void {
    this.waiting.shift()?.answer();
  }

  fail(error: unknown): void {
    this.waiting.shift()?.fail(error);
  }
}

/** Each caller gets the sum of its share of the doubled response. */
const sums = (response: number[], callers: ReadonlyArray<readonly number[]>): number[] => {
  let start = 0;
  return callers.map((items) => {
    const share = response.slice(start, (start += items.length));
    return share.reduce((a, b) => a + b, 0);
  });
};

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('call coalescer', () => {
  let downstream: Downstream;
  let timer: ManualTimer;

  beforeEach(() => {
    downstream = new Downstream();
    timer = new ManualTimer();
  });

  it('merges callers into one call after the linger and gives each its own share', async () => {
    const coalescer = new CallCoalescer(
      downstream.call,
      sums,
      { lingerMs: 2, maxItems: 10, maxInFlight: 0, lingerWhenIdle: true },
      timer,
    );
    const a = coalescer.submit([1, 2]);
    const b = coalescer.submit([3]);
    expect(downstream.calls).toEqual([]);
    expect(coalescer.waitingItems).toBe(3);
    timer.fire();
    expect(downstream.calls).toEqual([[1, 2, 3]]);
    // Sent: nothing waits any more, though the call is still out.
    expect(coalescer.waitingItems).toBe(0);
    downstream.answer();
    await expect(Promise.all([a, b])).resolves.toEqual([6, 6]);
  });

  it('sends a full batch at once', () => {
    const coalescer = new CallCoalescer(
      downstream.call,
      sums,
      { lingerMs: 2, maxItems: 3, maxInFlight: 0, lingerWhenIdle: true },
      timer,
    );
    void coalescer.submit([1, 2]);
    void coalescer.submit([3]);
    expect(downstream.calls).toEqual([[1, 2, 3]]);
  });

  it('with every call slot taken, gathers callers until a call returns, then sends them together', async () => {
    const coalescer = new CallCoalescer(
      downstream.call,
      sums,
      { lingerMs: 2, maxItems: 50, maxInFlight: 1, lingerWhenIdle: true },
      timer,
    );
    const a = coalescer.submit([1]);
    timer.fire();
    const b = coalescer.submit([2]);
    timer.fire();
    const c = coalescer.submit([3, 4]);
    timer.fire();
    // The one slot is taken: b and c wait, past their linger, for a's call.
    expect(downstream.calls).toEqual([[1]]);
    downstream.answer();
    await settle();
    expect(downstream.calls).toEqual([[1], [2, 3, 4]]);
    downstream.answer();
    await expect(Promise.all([a, b, c])).resolves.toEqual([2, 4, 14]);
  });

  it('fails every caller of a failed call with the same error and frees its slot', async () => {
    const coalescer = new CallCoalescer(
      downstream.call,
      sums,
      { lingerMs: 2, maxItems: 50, maxInFlight: 1, lingerWhenIdle: true },
      timer,
    );
    const a = coalescer.submit([1]);
    const b = coalescer.submit([2]);
    timer.fire();
    const c = coalescer.submit([3]);
    timer.fire();
    const down = new Error('down');
    downstream.fail(down);
    await expect(a).rejects.toBe(down);
    await expect(b).rejects.toBe(down);
    expect(downstream.calls).toEqual([[1, 2], [3]]);
    downstream.answer();
    await expect(c).resolves.toBe(6);
  });

  describe('without lingering when idle', () => {
    const settings = { lingerMs: 2, maxItems: 50, maxInFlight: 2, lingerWhenIdle: false };

    it('sends a caller that finds no call out at once, and gathers the callers behind it', async () => {
      const coalescer = new CallCoalescer(downstream.call, sums, settings, timer);
      const a = coalescer.submit([1]);
      expect(downstream.calls).toEqual([[1]]);
      expect(timer.armedCount).toBe(0);
      // A call is out: these wait the linger for company, as before.
      const b = coalescer.submit([2]);
      const c = coalescer.submit([3]);
      expect(downstream.calls).toEqual([[1]]);
      timer.fire();
      expect(downstream.calls).toEqual([[1], [2, 3]]);
      downstream.answer();
      downstream.answer();
      await expect(Promise.all([a, b, c])).resolves.toEqual([2, 4, 6]);
    });

    it('goes back to sending at once when every call has returned', async () => {
      const coalescer = new CallCoalescer(downstream.call, sums, settings, timer);
      const a = coalescer.submit([1]);
      downstream.answer();
      await expect(a).resolves.toBe(2);
      const b = coalescer.submit([5]);
      expect(downstream.calls).toEqual([[1], [5]]);
      downstream.answer();
      await expect(b).resolves.toBe(10);
    });

    it('lets a caller join a batch still gathering after the calls returned, instead of overtaking it', async () => {
      const coalescer = new CallCoalescer(downstream.call, sums, settings, timer);
      const a = coalescer.submit([1]);
      const b = coalescer.submit([2]);
      downstream.answer();
      await expect(a).resolves.toBe(2);
      // No call is out, but b is still gathering: c joins it and both go when the linger ends.
      const c = coalescer.submit([3]);
      expect(downstream.calls).toEqual([[1]]);
      timer.fire();
      expect(downstream.calls).toEqual([[1], [2, 3]]);
      downstream.answer();
      await expect(Promise.all([b, c])).resolves.toEqual([4, 6]);
    });
  });
});
