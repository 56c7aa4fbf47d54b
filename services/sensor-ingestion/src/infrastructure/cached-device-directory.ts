import type { DeviceDirectory } from '../readings/device-directory.port.js';
import { deviceViolation, type DeviceState } from '../readings/domain/device-state.js';

export interface DeviceCacheSettings {
  /** How long a registry answer that lets readings in (an ACTIVE device) is trusted. */
  ttlMs: number;
  /**
   * How long an answer that refuses them (no such device, or not ACTIVE) is trusted; short, so a
   * device registered or activated a moment later gets in soon.
   */
  refusalTtlMs: number;
  /** Bound on remembered devices; the oldest entries go first. */
  maxEntries: number;
}

interface Entry {
  state: DeviceState;
  expiresAt: number;
}

/**
 * Keeps registry answers for a while so ingestion does not ask the registry for every reading.
 * Concurrent lookups of the same device share one call; failures are never cached.
 */
export class CachedDeviceDirectory implements DeviceDirectory {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<DeviceState>>();

  constructor(
    private readonly registry: DeviceDirectory,
    private readonly settings: DeviceCacheSettings,
    private readonly now: () => number,
  ) {}

  stateOf(deviceId: string): Promise<DeviceState> {
    const cached = this.entries.get(deviceId);
    if (cached && cached.expiresAt > this.now()) return Promise.resolve(cached.state);
    if (cached) this.entries.delete(deviceId);
    const pending = this.inFlight.get(deviceId);
    if (pending) return pending;
    const lookup = this.registry
      .stateOf(deviceId)
      .then((state) => {
        this.remember(deviceId, state);
        return state;
      })
      .finally(() => this.inFlight.delete(deviceId));
    this.inFlight.set(deviceId, lookup);
    return lookup;
  }

  private remember(deviceId: string, state: DeviceState): void {
    const ttl = deviceViolation(state) ? this.settings.refusalTtlMs : this.settings.ttlMs;
    this.entries.delete(deviceId); // re-insert so Map order stays oldest-first
    this.entries.set(deviceId, { state, expiresAt: this.now() + ttl });
    while (this.entries.size > this.settings.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
