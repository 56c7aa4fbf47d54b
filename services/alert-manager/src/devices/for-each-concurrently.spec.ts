import { forEachConcurrently } from './for-each-concurrently.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('works through every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      done.push(item);
    });
    expect([...done].sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('finishes every item before throwing the first failure', async () => {
    const done: number[] = [];
    const run = forEachConcurrently([1, 2, 3, 4], 2, async (item) => {
      await tick();
      if (item % 2 === 0) throw new Error(`failed ${item}`);
      done.push(item);
    });
    await expect(run).rejects.toThrow('failed 2');
    expect(done).toEqual([1, 3]);
  });
});
