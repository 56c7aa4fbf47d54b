/**
 * The devices with readings in the pending-evaluation queue, as this process knows them: a newer
 * reading of one of them must not be evaluated before those. Kept in memory, so that what this process
 * queued is known to its next call at once; replaced by what the table holds on every poll. Rows
 * another replica queued, each call's transaction finds (devicesWithPendingEvaluations).
 */
export class PendingDevices {
  /** Each device with the number of the add() that last named it. */
  private readonly addedBy = new Map<string, number>();
  private adds = 0;

  get size(): number {
    return this.addedBy.size;
  }

  has(deviceId: string): boolean {
    return this.addedBy.has(deviceId);
  }

  /** Devices whose readings were just queued (committed). */
  add(deviceIds: Iterable<string>): void {
    this.adds += 1;
    for (const deviceId of deviceIds) this.addedBy.set(deviceId, this.adds);
  }

  /** To be taken before reading the table, for replace(). */
  mark(): number {
    return this.adds;
  }

  /**
   * Becomes what a read of the table found, begun at `mark`; devices added since are kept, as that
   * read may have missed their rows.
   */
  replace(found: Iterable<string>, mark: number): void {
    for (const [deviceId, addedBy] of this.addedBy) {
      if (addedBy <= mark) this.addedBy.delete(deviceId);
    }
    for (const deviceId of found) {
      if (!this.addedBy.has(deviceId)) this.addedBy.set(deviceId, mark);
    }
  }
}
