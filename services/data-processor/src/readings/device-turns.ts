import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

const NONE_BEFORE = Promise.resolve(false);

/** A call's place in line behind the earlier calls of its devices (DeviceTurns). */
export class DeviceTurn {
  /**
   * Whether the call leaves readings the alert manager has not taken (queued, or not even that): the
   * calls behind it learn it from their `ready`.
   */
  untaken = false;

  constructor(
    /**
     * Settles once every earlier call of these devices has left: true when one of them left readings
     * the alert manager had not taken.
     */
    readonly ready: Promise<boolean>,
    private readonly onLeave: (untaken: boolean) => void,
  ) {}

  /** Lets the calls behind it go; to be called once, however the call ends. */
  leave(): void {
    this.onLeave(this.untaken);
  }
}

/**
 * Lines up the calls of each device in the order they arrived, so that a device's readings reach the
 * alert manager, or the queue, in that order: the alert manager skips a reading older than the newest
 * it evaluated of its device, so a newer call that overtook one still waiting on the alert manager
 * would have that one's readings skipped once they are queued and delivered. A call waits only for
 * the earlier calls that share a device with it; the map holds only devices with a call in progress.
 */
export class DeviceTurns {
  private readonly lastOf = new Map<string, Promise<boolean>>();

  /** Takes a place behind every call of these readings' devices that took one before and is still in progress. */
  take(readings: readonly Reading[]): DeviceTurn {
    let leave!: (untaken: boolean) => void;
    const left = new Promise<boolean>((resolve) => (leave = resolve));
    const devices = new Set<string>();
    const earlier = new Set<Promise<boolean>>();
    for (const { deviceId } of readings) {
      if (devices.has(deviceId)) continue;
      devices.add(deviceId);
      const previous = this.lastOf.get(deviceId);
      if (previous !== undefined) earlier.add(previous);
      this.lastOf.set(deviceId, left);
    }
    const ready =
      earlier.size === 0 ? NONE_BEFORE : Promise.all(earlier).then((untaken) => untaken.includes(true));
    return new DeviceTurn(ready, (untaken) => {
      for (const deviceId of devices) {
        if (this.lastOf.get(deviceId) === left) this.lastOf.delete(deviceId);
      }
      leave(untaken);
    });
  }

  /** Devices with a call in progress. */
  get size(): number {
    return this.lastOf.size;
  }
}
