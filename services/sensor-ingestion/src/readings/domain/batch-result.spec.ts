import { addBatch, EMPTY_STREAM_TOTALS } from './batch-result.js';

const rejection = (index: number) => ({
  index,
  readingId: `r${index}`,
  reason: 'X',
  field: 'value',
  description: '',
});

describe('stream totals', () => {
  it('adds counts and numbers rejections and duplicates by their position in the whole stream', () => {
    const first = addBatch(EMPTY_STREAM_TOTALS, 3, {
      acceptedCount: 2,
      duplicateCount: 0,
      rejections: [rejection(1)],
      duplicateIndexes: [],
    });
    const second = addBatch(first, 2, {
      acceptedCount: 0,
      duplicateCount: 1,
      rejections: [rejection(0)],
      duplicateIndexes: [1],
    });
    expect(second).toEqual({
      result: {
        acceptedCount: 2,
        duplicateCount: 1,
        rejections: [rejection(1), { ...rejection(0), index: 3 }],
        duplicateIndexes: [4],
      },
      batchCount: 2,
      readingCount: 5,
    });
  });
});
