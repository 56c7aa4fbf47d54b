import { Inject, Injectable } from '@nestjs/common';
import {
  customSensorViolation,
  decodePageToken,
  encodePageToken,
  enumViolation,
  millisFromTimestamp,
  resolvePageSize,
  timestampViolation,
  ValidationError,
  type FieldViolation,
} from '@iot-mesh/platform';
import type { Timestamp } from '@iot-mesh/proto/google/protobuf/timestamp';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { z } from 'zod';
import type { ProcessorConfig } from '../config.js';
import type { ProcessorStore } from '../infrastructure/processor-store.port.js';
import { CLOCK, PROCESSOR_CONFIG, PROCESSOR_STORE } from '../processor.di-tokens.js';
import { Window, type AggregatedWindow } from './domain/window.js';
import { summarizeWindow, type WindowAggregate, type WindowSummary } from './domain/window-aggregate.js';

export interface AggregatesQuery {
  deviceId: string;
  sensorType: SensorType;
  /** Only with SENSOR_TYPE_CUSTOM: one quantity's windows; empty, those of every one. */
  customSensor: string;
  window: Window;
  /** Only windows ending after this time (the request's start_time, checked here). */
  endAfter?: Timestamp;
  pageSize: number;
  pageToken: string;
}

export interface LatestAggregatesQuery {
  sensorType: SensorType;
  /** As in AggregatesQuery. */
  customSensor: string;
  window: Window;
  pageSize: number;
  pageToken: string;
}

export interface AggregatesPage {
  aggregates: WindowSummary[];
  nextPageToken: string;
}

// The last window shown; its name too, as windows of several custom quantities share a start or a device.
const historyCursor = z.object({ before: z.number().int(), name: z.string() });
const latestCursor = z.object({ after: z.string(), name: z.string() });

function requireValid(violations: readonly (FieldViolation | undefined)[]): void {
  const problems = violations.filter((v) => v !== undefined);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** An empty filter means every custom quantity, so only a given name is checked. */
const filterViolation = (sensorType: SensorType, customSensor: string) =>
  customSensor === '' ? undefined : customSensorViolation('custom_sensor', sensorType, customSensor, 'FIELD');

/** The quantity to look up: one name ('' for the other types), or every one for CUSTOM without a name. */
const quantityOf = (sensorType: SensorType, customSensor: string) =>
  sensorType === SensorType.SENSOR_TYPE_CUSTOM && customSensor === '' ? undefined : customSensor;

/** Queries of the window aggregates: one device's history, and the latest window of every device. */
@Injectable()
export class AggregatesService {
  constructor(
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(CLOCK) private readonly now: () => number,
  ) {}

  /** Windows of one device and sensor type (or custom quantity), newest first and then by name. */
  async history(query: AggregatesQuery): Promise<AggregatesPage> {
    requireValid([
      query.deviceId === ''
        ? { field: 'device_id', reason: 'FIELD.REQUIRED', description: 'must not be empty' }
        : undefined,
      enumViolation('sensor_type', query.sensorType, SensorType),
      filterViolation(query.sensorType, query.customSensor),
      enumViolation('window', query.window, Window),
      query.endAfter && timestampViolation('start_time', query.endAfter, 'FIELD'),
    ]);
    const endAfter = query.endAfter && millisFromTimestamp(query.endAfter);
    const limit = resolvePageSize(query.pageSize);
    const identity = [
      'GetAggregates',
      query.deviceId,
      query.sensorType,
      query.window,
      endAfter ?? null,
      query.customSensor,
    ];
    const cursor = decodePageToken(query.pageToken, historyCursor, identity);
    const windows = await this.store.findWindows({
      deviceId: query.deviceId,
      sensorType: query.sensorType,
      customSensor: quantityOf(query.sensorType, query.customSensor),
      window: query.window as AggregatedWindow,
      endAfter,
      after: cursor && { startTime: cursor.before, customSensor: cursor.name },
      limit: limit + 1,
    });
    return this.page(windows, limit, identity, (last) => ({
      before: last.startTime,
      name: last.customSensor,
    }));
  }

  /** The newest window of every device and quantity of a sensor type and size, by device id then name. */
  async latest(query: LatestAggregatesQuery): Promise<AggregatesPage> {
    requireValid([
      enumViolation('sensor_type', query.sensorType, SensorType),
      filterViolation(query.sensorType, query.customSensor),
      enumViolation('window', query.window, Window),
    ]);
    const limit = resolvePageSize(query.pageSize);
    const identity = ['ListAggregates', query.sensorType, query.window, query.customSensor];
    const cursor = decodePageToken(query.pageToken, latestCursor, identity);
    const windows = await this.store.listLatestWindows({
      sensorType: query.sensorType,
      customSensor: quantityOf(query.sensorType, query.customSensor),
      window: query.window as AggregatedWindow,
      after: cursor && { deviceId: cursor.after, customSensor: cursor.name },
      limit: limit + 1,
    });
    return this.page(windows, limit, identity, (last) => ({ after: last.deviceId, name: last.customSensor }));
  }

  private page(
    windows: readonly WindowAggregate[],
    limit: number,
    identity: unknown,
    cursorAfter: (last: WindowAggregate) => Record<string, string | number>,
  ): AggregatesPage {
    const shown = windows.slice(0, limit);
    const now = this.now();
    return {
      aggregates: shown.map((window) => summarizeWindow(window, now, this.config.lateReadingsMs)),
      nextPageToken: windows.length > limit ? encodePageToken(cursorAfter(shown.at(-1)!), identity) : '',
    };
  }
}
