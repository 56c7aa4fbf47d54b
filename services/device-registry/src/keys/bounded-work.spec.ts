import { BoundedWork } from './bounded-work.js';

const busy = () => new Error('busy');

describe('bounded work', () => {
  it('runs up to the concurrency, queues up to the queue, and refuses the rest at once', async () => {
    const work = new BoundedWork(1, 1);
    const started: string[] = [];
    let finishFirst!: () => void;
    const first = work.run(async () => {
      started.push('first');
      await new Promise<void>((resolve) => (finishFirst = resolve));
    }, busy);
    const second = work.run(() => Promise.resolve(started.push('second')), busy);
    await expect(work.run(() => Promise.resolve(), busy)).rejects.toThrow('busy');
    expect(started).toEqual(['first']);
    finishFirst();
    await Promise.all([first, second]);
    expect(started).toEqual(['first', 'second']);
    // Every slot is free again, also after a task that failed.
    await expect(work.run(() => Promise.reject(new Error('failed')), busy)).rejects.toThrow('failed');
    await expect(
      Promise.all([work.run(() => Promise.resolve(1), busy), work.run(() => Promise.resolve(2), busy)]),
    ).resolves.toEqual([1, 2]);
  });
});
