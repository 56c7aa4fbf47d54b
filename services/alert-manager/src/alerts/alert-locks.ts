/**
 * Serialises work per rule and device inside this process, so two requests carrying readings of
 * the same device (or an acknowledgement racing an evaluation) never decide on the same stale
 * state. Other replicas, and rule edits (which take no lock here), are kept honest by the store's
 * revision and cursor checks and by its hold of the rules an evaluation was judged by.
 */
export class AlertLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(ruleId: string, deviceId: string, work: () => Promise<T>): Promise<T> {
    const key = JSON.stringify([ruleId, deviceId]);
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const turn = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => turn);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /**
   * Runs `work` holding the locks of every given rule and device, taken one by one in key order so
   * that two callers with overlapping sets cannot wait on each other.
   */
  runAll<T>(targets: readonly { ruleId: string; deviceId: string }[], work: () => Promise<T>): Promise<T> {
    const sorted = [...new Map(targets.map((t) => [JSON.stringify([t.ruleId, t.deviceId]), t])).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, t]) => t);
    const acquire = (index: number): Promise<T> =>
      index === sorted.length
        ? work()
        : this.run(sorted[index].ruleId, sorted[index].deviceId, () => acquire(index + 1));
    return acquire(0);
  }

  /** Keys with work running or queued (for tests and diagnostics). */
  get size(): number {
    return this.tails.size;
  }
}
