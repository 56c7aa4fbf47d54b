import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { AggregatedWindow, WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';

/** A reading's identity for deduplication: ids are chosen by devices, so they are unique per device. */
export interface ReadingRef {
  deviceId: string;
  readingId: string;
}

/** A reading to remember, with a digest of what it said (readingContentHash). */
export interface SeenReading extends ReadingRef {
  contentHash?: number;
}

/** What one ProcessReadings call does inside its single transaction. */
export interface ReadingsTransaction {
  /** Remembers the readings (seen at `seenAt`) and returns those that were not known before. */
  recordNewReadings(readings: readonly SeenReading[], seenAt: number): Promise<ReadingRef[]>;
  /** The digests of what known readings said when first seen, by readingIdentity; null if remembered without. */
  storedContents(readings: readonly ReadingRef[]): Promise<Map<string, number | null>>;
  /**
   * The stored state of these windows, keyed by windowId; windows without data are absent. The
   * windows stay locked against concurrent writers until the transaction ends.
   */
  lockWindows(keys: readonly WindowKey[]): Promise<Map<string, WindowAggregate>>;
  saveWindows(windows: readonly WindowAggregate[]): Promise<void>;
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

/** Persistence of window aggregates and of the reading ids already counted. */
export interface ProcessorStore {
  /** Runs `work` in one transaction: everything it wrote is committed, or nothing is. */
  inTransaction<T>(work: (transaction: ReadingsTransaction) => Promise<T>): Promise<T>;
  /** Windows of one device and sensor type, newest first and then by custom sensor name. */
  findWindows(query: WindowQuery): Promise<WindowAggregate[]>;
  /** The newest window of every device and quantity of a sensor type and size, by device id and then name. */
  listLatestWindows(query: LatestWindowsQuery): Promise<WindowAggregate[]>;
  /** Deletes windows that ended and reading ids seen before `horizon`; returns how many of each. */
  pruneBefore(horizon: number): Promise<{ windows: number; readings: number }>;
  close(): Promise<void>;
}
