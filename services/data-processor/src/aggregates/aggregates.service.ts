import { Inject, Injectable } from '@nestjs/common';
import {
  decodePageToken,
  encodePageToken,
  enumViolation,
  resolvePageSize,
  ValidationError,
  type FieldViolation,
} from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { z } from 'zod';
import type { ProcessorStore } from '../infrastructure/processor-store.port.js';
import { CLOCK, PROCESSOR_STORE } from '../processor.di-tokens.js';
import { Window, type AggregatedWindow } from './domain/window.js';
import { summarizeWindow, type WindowAggregate, type WindowSummary } from './domain/window-aggregate.js';

export interface AggregatesQuery {
  deviceId: string;
  sensorType: SensorType;
  window: Window;
  /** Only windows ending after this time (epoch ms). */
  endAfter?: number;
  pageSize: number;
  pageToken: string;
}

export interface LatestAggregatesQuery {
  sensorType: SensorType;
  window: Window;
  pageSize: number;
  pageToken: string;
}

export interface AggregatesPage {
  aggregates: WindowSummary[];
  nextPageToken: string;
}

const historyCursor = z.object({ before: z.number().int() });
const latestCursor = z.object({ after: z.string() });

function requireValid(violations: readonly (FieldViolation | undefined)[]): void {
  const problems = violations.filter((v) => v !== undefined);
  if (problems.length > 0) throw new ValidationError(problems);
}

/** Queries of the window aggregates: one device's history, and the latest window of every device. */
@Injectable()
export class AggregatesService {
  constructor(
    @Inject(PROCESSOR_STORE) private readonly store: ProcessorStore,
    @Inject(CLOCK) private readonly now: () => number,
  ) {}

  /** Windows of one device and sensor, newest first. */
  async history(query: AggregatesQuery): Promise<AggregatesPage> {
    requireValid([
      query.deviceId === ''
        ? { field: 'device_id', reason: 'FIELD.REQUIRED', description: 'must not be empty' }
        : undefined,
      enumViolation('sensor_type', query.sensorType, SensorType),
      enumViolation('window', query.window, Window),
    ]);
    const limit = resolvePageSize(query.pageSize);
    const identity = [
      'GetAggregates',
      query.deviceId,
      query.sensorType,
      query.window,
      query.endAfter ?? null,
    ];
    const cursor = decodePageToken(query.pageToken, historyCursor, identity);
    const windows = await this.store.findWindows({
      deviceId: query.deviceId,
      sensorType: query.sensorType,
      window: query.window as AggregatedWindow,
      endAfter: query.endAfter,
      startBefore: cursor?.before,
      limit: limit + 1,
    });
    return this.page(windows, limit, identity, (last) => ({ before: last.startTime }));
  }

  /** The newest window of every device for a sensor type and size, by device id. */
  async latest(query: LatestAggregatesQuery): Promise<AggregatesPage> {
    requireValid([
      enumViolation('sensor_type', query.sensorType, SensorType),
      enumViolation('window', query.window, Window),
    ]);
    const limit = resolvePageSize(query.pageSize);
    const identity = ['ListAggregates', query.sensorType, query.window];
    const cursor = decodePageToken(query.pageToken, latestCursor, identity);
    const windows = await this.store.listLatestWindows(
      query.sensorType,
      query.window as AggregatedWindow,
      cursor?.after,
      limit + 1,
    );
    return this.page(windows, limit, identity, (last) => ({ after: last.deviceId }));
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
      aggregates: shown.map((window) => summarizeWindow(window, now)),
      nextPageToken: windows.length > limit ? encodePageToken(cursorAfter(shown.at(-1)!), identity) : '',
    };
  }
}
