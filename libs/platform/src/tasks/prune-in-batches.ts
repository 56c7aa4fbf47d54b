const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Deletes in batches until a batch comes back short: `deleteBatch` deletes at most `batchSize` rows and
 * says how many. Other work runs between batches, so a long backlog is pruned in short statements and
 * none holds the store for long; `stopping` ends the loop early (shutdown), leaving the rest for the
 * next pass. Returns how many rows were deleted in all.
 */
export async function pruneInBatches(
  deleteBatch: (batchSize: number) => Promise<number>,
  { batchSize, stopping = () => false }: { batchSize: number; stopping?: () => boolean },
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize || stopping()) return total;
    await nextTurn();
  }
}
