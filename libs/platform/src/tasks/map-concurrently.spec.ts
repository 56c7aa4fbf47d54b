import { mapConcurrently } from './map-concurrently.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrently', () => {
  it('maps every item in order, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item, index) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, (7 - item) * 2));
      running--;
      return `${item}@${index}`;
    });
    expect(results).toEqual(['1@0', '2@1', '3@2', '4@3', '5@4', '6@5', '7@6']);
    expect(most).toBe(3);
  });

  it('takes no items without calling anything', async () => {
    let calls = 0;
    await expect(mapConcurrently([], 4, () => Promise.resolve(calls++))).resolves.toEqual([]);
    expect(calls).toBe(0);
  });

  it('stops starting items after a failure by default, and throws once the running ones settle', async () => {
    const started: number[] = [];
    const settled: number[] = [];
    const run = mapConcurrently([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) throw new Error('failed 1');
      await tick();
      settled.push(item);
    });
    await expect(run).rejects.toThrow('failed 1');
    expect(started).toEqual([1, 2]);
    expect(settled).toEqual([2]);
  });

  it("with 'keep-going' tries every item and throws the first failure at the end", async () => {
    const done: number[] = [];
    const run = mapConcurrently(
      [1, 2, 3, 4],
      2,
      async (item) => {
        await tick();
        if (item % 2 === 0) throw new Error(`failed ${item}`);
        done.push(item);
      },
      'keep-going',
    );
    await expect(run).rejects.toThrow('failed 2');
    expect(done).toEqual([1, 3]);
  });
});
