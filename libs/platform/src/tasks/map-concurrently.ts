/** What a failure of one item does to the items not yet started. */
export type FailureRule = 'stop-starting' | 'keep-going';

/**
 * Maps `items` with at most `limit` calls running at once, keeping the order of results. The first
 * failure is rethrown only once every running call has settled, so nothing is left running behind the
 * caller's back. With 'stop-starting' (the default) it also keeps items not yet started from starting;
 * with 'keep-going' every item is tried, for work where one item's failure says nothing of the others.
 */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onFailure: FailureRule = 'stop-starting',
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const mayStart = () => next < items.length && (failure === undefined || onFailure === 'keep-going');
  const worker = async () => {
    while (mayStart()) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw failure.error;
  return results;
}
