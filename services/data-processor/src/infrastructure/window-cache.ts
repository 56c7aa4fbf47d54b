import type { QuantileSketch } from '../aggregates/domain/quantile-sketch.js';

/** A decoded sketch as it was written with one revision of its window's row. */
export interface CachedSketch {
  revision: number;
  count: number;
  sketch: QuantileSketch;
}

/**
 * Decoded sketches of recently written windows, keyed by windowId, so the next batch on a window
 * skips decoding its sketch. An entry is only trusted while the row still carries the
 * revision (and count) it was written with, so writes by other processes are never missed. At most
 * `capacity` entries are kept; the least recently written go first.
 */
export class WindowCache {
  private readonly entries = new Map<string, CachedSketch>();

  constructor(private readonly capacity = 4096) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * Hands over the sketch cached for this revision of the window, removing it: the caller adds to
   * it, and only a committed write may put it back.
   */
  take(id: string, revision: number, count: number): QuantileSketch | undefined {
    const entry = this.entries.get(id);
    if (entry === undefined) return undefined;
    this.entries.delete(id);
    return entry.revision === revision && entry.count === count ? entry.sketch : undefined;
  }

  put(id: string, entry: CachedSketch): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }
}
