import type { Insertable, Selectable } from 'kysely';
import { windowEnd, type WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import type { ProcessorDatabase } from './processor.schema.js';

export type WindowRow = Selectable<ProcessorDatabase['windows']>;

export const toWindowRow = (
  w: WindowAggregate,
  revision: number,
): Insertable<ProcessorDatabase['windows']> => ({
  device_id: w.deviceId,
  sensor_type: w.sensorType,
  custom_sensor: w.customSensor,
  window_size: w.window,
  start_time: w.startTime,
  end_time: w.endTime,
  count: w.count,
  min: w.min,
  max: w.max,
  sum: w.sum,
  sum_compensation: w.sumCompensation,
  // pg sends Buffers as bytea; a bare Uint8Array would not be recognised everywhere.
  sketch: Buffer.from(w.sketch),
  revision,
});

export const fromWindowRow = (r: WindowRow): WindowAggregate => ({
  deviceId: r.device_id,
  sensorType: r.sensor_type,
  customSensor: r.custom_sensor,
  window: r.window_size,
  startTime: Number(r.start_time),
  endTime: Number(r.end_time),
  count: Number(r.count),
  min: r.min,
  max: r.max,
  sum: r.sum,
  sumCompensation: r.sum_compensation,
  sketch: new Uint8Array(r.sketch),
});

/** A row that only reserves (and locks) a window's key; a count of 0 marks it as holding no data. */
export const placeholderRow = (key: WindowKey) =>
  toWindowRow(
    {
      ...key,
      endTime: windowEnd(key),
      count: 0,
      min: 0,
      max: 0,
      sum: 0,
      sumCompensation: 0,
      sketch: new Uint8Array(),
    },
    0,
  );
