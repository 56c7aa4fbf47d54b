import { addBatch, EMPTY_STREAM_TOTALS } from './batch-result.js';

const rejection = (index: number) => ({
  index,
  readingId: `r${index}`,
  reason: 'X',
  field: 'value',
  description: '',
});

describe('stream totals', () => {
  it('adds counts and numbers rejections by their position in the whole stream', () => {
    const first = addBatch(EMPTY_STREAM_TOTALS, 3, {
      acceptedCount: 2,
      duplicateCount: 0,
      rejections: [rejection(1)],
    });
    const second = addBatch(first, 2, { acceptedCount: 0, duplicateCount: 1, rejections: [rejection(0)] });
    expect(second).toEqual({
      result: {
        acceptedCount: 2,
        duplicateCount: 1,
        rejections: [rejection(1), { ...rejection(0), index: 3 }],
      },
      batchCount: 2,
      readingCount: 5,
    });
  });
});
