import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { AggregatedWindow, WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import type { PendingEvaluationStore } from './pending-evaluation-store.port.js';

/** A reading's identity for deduplication: ids are chosen by devices, so they are unique per device. */
export interface ReadingRef {
  deviceId: string;
  readingId: string;
}

/** A reading to remember, with a digest of what it said (readingContentHash). */
export interface SeenReading extends ReadingRef {
  contentHash?: number;
  /** The reading's own time (epoch ms); a reading stamped after the call's `seenAt` is seen at this. */
  time?: number;
}

/** What one ProcessReadings call does inside its single transaction. */
export interface ReadingsTransaction {
  /**
   * Remembers the readings and returns those that were not known before. Of copies of one id, the
   * first is remembered. Each is seen at `seenAt`, or at its own time when that is later (a reading
   * stamped ahead of the clock), so that it is pruned no sooner than its windows.
   */
  recordNewReadings(readings: readonly SeenReading[], seenAt: number): Promise<ReadingRef[]>;
  /** The digests of what known readings said when first seen, by readingIdentity; null if remembered without. */
  storedContents(readings: readonly ReadingRef[]): Promise<Map<string, number | null>>;
  /**
   * The stored state of these windows, keyed by windowId; windows without data are absent. The
   * windows stay locked against concurrent writers until the transaction ends.
   */
  lockWindows(keys: readonly WindowKey[]): Promise<Map<string, WindowAggregate>>;
  saveWindows(windows: readonly WindowAggregate[]): Promise<void>;
  /**
   * Of the devices of the readings recorded (recordNewReadings), those with readings in the
   * pending-evaluation queue, queued by any replica.
   */
  devicesWithPendingEvaluations(): Promise<ReadonlySet<string>>;
}

export interface WindowQuery {
  deviceId: string;
  sensorType: SensorType;
  /** Only this quantity's windows ('' for the types other than custom); absent, those of every one. */
  customSensor?: string;
  window: AggregatedWindow;
  /** Only windows that end after this time. */
  endAfter?: number;
  /** Only windows that come after this one, newest first and then by name (the page cursor). */
  after?: Pick<WindowKey, 'startTime' | 'customSensor'>;
  limit: number;
}

export interface LatestWindowsQuery {
  sensorType: SensorType;
  /** Only this quantity's windows ('' for the types other than custom); absent, those of every one. */
  customSensor?: string;
  window: AggregatedWindow;
  /** Only windows that come after this one, by device id and then by name (the page cursor). */
  after?: Pick<WindowKey, 'deviceId' | 'customSensor'>;
  limit: number;
}

export interface PruneHorizons {
  windowsEndedBefore: number;
  readingsSeenBefore: number;
}

/** Persistence of window aggregates, of the reading ids already counted and of pending evaluations. */
export interface ProcessorStore {
  /** The queue of readings whose alert evaluation failed, in the same database. */
  readonly pendingEvaluations: PendingEvaluationStore;
  /** Runs `work` in one transaction: everything it wrote is committed, or nothing is. */
  inTransaction<T>(work: (transaction: ReadingsTransaction) => Promise<T>): Promise<T>;
  /** Windows of one device and sensor type, newest first and then by custom sensor name. */
  findWindows(query: WindowQuery): Promise<WindowAggregate[]>;
  /** The newest window of every device and quantity of a sensor type and size, by device id and then name. */
  listLatestWindows(query: LatestWindowsQuery): Promise<WindowAggregate[]>;
  /** Deletes windows that ended, and reading ids seen, before the given times; returns how many of each. */
  prune(before: PruneHorizons): Promise<{ windows: number; readings: number }>;
  close(): Promise<void>;
}
