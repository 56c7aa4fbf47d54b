import { seededRandom } from '../../../test/percentile.oracle.js';
import { SKETCH_BIN_LIMIT, SketchBins } from './sketch-bins.js';

/** The keys the bins must hold, by definition: the highest SKETCH_BIN_LIMIT in use, the rest in the lowest. */
function expectedKeys(added: readonly { key: number; weight: number }[]): number[] {
  const distinct = [...new Set(added.map((a) => a.key))].sort((a, b) => a - b);
  const lowestKept = distinct[Math.max(0, distinct.length - SKETCH_BIN_LIMIT)];
  return added
    .flatMap(({ key, weight }) => Array<number>(weight).fill(Math.max(key, lowestKept)))
    .sort((a, b) => a - b);
}

/** Every key the bins report, by rank. */
const keysByRank = (bins: SketchBins) =>
  Array.from({ length: bins.count }, (_, rank) => bins.keyAtRank(rank));

/** The keys in use with their counts. */
const binsOf = (bins: SketchBins) =>
  Array.from({ length: bins.binCount }, (_, index) => [bins.keyAt(index), bins.countAt(index)]);

describe('sketch bins', () => {
  it.each([
    ['few keys', 40, 60],
    ['more keys than the limit', 6_000, 5_000],
    ['keys far apart', 500_000, 3_000],
  ])('count every key, merging the lowest into the next past the limit: %s', (_, spread, most) => {
    const random = seededRandom(spread);
    for (let trial = 0; trial < 40; trial++) {
      const bins = new SketchBins();
      const added = Array.from({ length: 1 + Math.floor(random() * most) }, () => ({
        key: Math.round((random() - 0.5) * spread) + 0, // + 0: no -0
        weight: 1 + Math.floor(random() * 3),
      }));
      for (const { key, weight } of added) bins.add(key, weight);

      const expected = expectedKeys(added);
      expect(keysByRank(bins)).toEqual(expected);
      const inUse = binsOf(bins);
      expect(inUse.map(([key]) => key)).toEqual([...new Set(expected)]);
      expect(inUse.reduce((sum, [, count]) => sum + count, 0)).toBe(expected.length);
      expect(bins.binCount).toBeLessThanOrEqual(SKETCH_BIN_LIMIT);
    }
  });

  it('keeps the highest SKETCH_BIN_LIMIT keys, rising or falling, the others in the lowest', () => {
    const rising = new SketchBins();
    const falling = new SketchBins();
    for (let step = 0; step < 10_000; step++) {
      rising.add(step * 7);
      falling.add(0 - step * 7);
    }
    const lowestKept = 10_000 - SKETCH_BIN_LIMIT;
    expect(binsOf(rising)[0]).toEqual([lowestKept * 7, lowestKept + 1]);
    expect(binsOf(rising).at(-1)).toEqual([69_993, 1]);
    expect(binsOf(falling)[0]).toEqual([-(SKETCH_BIN_LIMIT - 1) * 7, lowestKept + 1]);
    expect(binsOf(falling).at(-1)).toEqual([0, 1]);
    for (const bins of [rising, falling]) {
      expect([bins.binCount, bins.count]).toEqual([SKETCH_BIN_LIMIT, 10_000]);
    }
  });

  it('takes keys in any order after a reserve', () => {
    const bins = new SketchBins();
    bins.reserve(3);
    for (const key of [10, 20, 15, 9, 40, -3, 15]) bins.add(key);
    expect(keysByRank(bins)).toEqual([-3, 9, 10, 15, 15, 20, 40]);
  });
});
