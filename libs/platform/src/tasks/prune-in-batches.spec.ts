import { pruneInBatches } from './prune-in-batches.js';

describe('pruneInBatches', () => {
  it('deletes batch after batch until one comes back short, and adds them up', async () => {
    let left = 7;
    const sizes: number[] = [];
    const total = await pruneInBatches(
      (batchSize) => {
        const deleted = Math.min(left, batchSize);
        left -= deleted;
        sizes.push(deleted);
        return Promise.resolve(deleted);
      },
      { batchSize: 3 },
    );
    expect(sizes).toEqual([3, 3, 1]);
    expect(total).toBe(7);
  });

  it('stops after the batch in progress once told to', async () => {
    let batches = 0;
    let stopping = false;
    const total = await pruneInBatches(
      (batchSize) => {
        batches++;
        stopping = true;
        return Promise.resolve(batchSize);
      },
      { batchSize: 2, stopping: () => stopping },
    );
    expect([batches, total]).toEqual([1, 2]);
  });
});
