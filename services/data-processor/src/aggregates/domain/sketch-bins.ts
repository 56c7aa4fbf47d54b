/**
 * The most bins (keys with a count) one sign of a sketch keeps. p95 has at most 5 % of a window's
 * readings above it, so it keeps its own bin in any window of up to 40,000 readings.
 */
export const SKETCH_BIN_LIMIT = 2048;

// Shared by empty bins until their first key, so a side without values allocates nothing.
const NO_KEYS = new Int32Array(0);
const NO_COUNTS = new Uint32Array(0);

/**
 * A sketch's counts per key for the values of one sign, with keys ordered as the values are (the
 * negative side keeps each magnitude's key negated), held as sorted arrays of the keys in use. At
 * most SKETCH_BIN_LIMIT keys are kept: past that, the lowest is merged into the next, so the high
 * ranks, which p95 reads, keep their accuracy, and a window's sketch stays small however many and
 * however far apart its readings are (the library's collapsing stores bound the span of keys
 * instead, which one reading of 1e38 among ordinary ones would fill, and they lose or double counts).
 */
export class SketchBins {
  private keys = NO_KEYS;
  /** 32 bits: one bin of one window gets far fewer than 2^32 readings (an hour at 50,000 a second). */
  private counts = NO_COUNTS;
  /** How many keys are in use: keys[0..size) ascending, each with its count. */
  private size = 0;
  private total = 0;

  get count(): number {
    return this.total;
  }

  get binCount(): number {
    return this.size;
  }

  /** The key of the `index`-th bin in use (from 0, ascending), and its count. */
  keyAt(index: number): number {
    return this.keys[index];
  }

  countAt(index: number): number {
    return this.counts[index];
  }

  /** Makes room for `bins` keys, which a stored sketch announces before its counts. */
  reserve(bins: number): void {
    if (bins > this.keys.length) this.resize(Math.min(bins, SKETCH_BIN_LIMIT + 1));
  }

  add(key: number, weight = 1): void {
    const index = this.indexOf(key);
    if (index < this.size && this.keys[index] === key) {
      this.counts[index] += weight;
    } else if (index === 0 && this.size === SKETCH_BIN_LIMIT) {
      this.counts[0] += weight; // below every key kept: counted in the lowest
    } else {
      this.insert(index, key, weight);
      if (this.size > SKETCH_BIN_LIMIT) this.mergeLowest();
    }
    this.total += weight;
  }

  /** The key of the `rank`-th smallest value (from 0), counted from the nearer end. */
  keyAtRank(rank: number): number {
    const { counts, keys, size } = this;
    let seen = 0;
    if (2 * rank < this.total) {
      for (let index = 0; index < size - 1; index++) {
        seen += counts[index];
        if (seen > rank) return keys[index];
      }
      return keys[size - 1];
    }
    const above = this.total - 1 - rank;
    for (let index = size - 1; index > 0; index--) {
      seen += counts[index];
      if (seen > above) return keys[index];
    }
    return keys[0];
  }

  /**
   * The first index whose key is `key` or above. Keys in use are distinct integers, so at most
   * key - lowest of them lie below it and highest - key above: where the keys in use run without
   * gaps, as in most windows, the search starts and ends at one index.
   */
  private indexOf(key: number): number {
    const { keys, size } = this;
    if (size === 0 || key > keys[size - 1]) return size;
    let low = Math.max(0, size - 1 - (keys[size - 1] - key));
    if (keys[low] >= key) return low;
    let high = Math.min(size - 1, key - keys[0]);
    while (low < high) {
      const middle = (low + high) >> 1;
      if (keys[middle] < key) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private insert(index: number, key: number, count: number): void {
    if (this.size === this.keys.length)
      this.resize(Math.min(Math.max(8, 2 * this.size), SKETCH_BIN_LIMIT + 1));
    if (index < this.size) {
      this.keys.copyWithin(index + 1, index, this.size);
      this.counts.copyWithin(index + 1, index, this.size);
    }
    this.keys[index] = key;
    this.counts[index] = count;
    this.size += 1;
  }

  private mergeLowest(): void {
    this.counts[1] += this.counts[0];
    this.keys.copyWithin(0, 1, this.size);
    this.counts.copyWithin(0, 1, this.size);
    this.size -= 1;
  }

  private resize(length: number): void {
    const keys = new Int32Array(length);
    const counts = new Uint32Array(length);
    keys.set(this.keys.subarray(0, this.size));
    counts.set(this.counts.subarray(0, this.size));
    this.keys = keys;
    this.counts = counts;
  }
}
