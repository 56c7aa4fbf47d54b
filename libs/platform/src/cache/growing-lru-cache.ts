import { LRUCache } from 'lru-cache';

/**
 * An LRU cache of at most `entries` entries whose storage grows with use. lru-cache allocates its
 * arrays for all of `max` up front (7 MiB of an idle gateway for the rate-limit buckets and the auth
 * cache); a bound on the summed size of one per entry evicts the same way without that.
 */
export function growingLruCache<K extends NonNullable<unknown>, V extends NonNullable<unknown>, FC = unknown>(
  entries: number,
  options: Omit<LRUCache.Options<K, V, FC>, 'max' | 'maxSize' | 'sizeCalculation'> = {},
): LRUCache<K, V, FC> {
  return new LRUCache<K, V, FC>({ ...options, maxSize: entries, sizeCalculation: () => 1 });
}
