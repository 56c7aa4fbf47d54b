import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';

export { Window };

const MINUTE_MS = 60_000;

/** Length of each aggregated window size; every reading is folded into one window of each. */
export const WINDOW_LENGTH_MS: Readonly<Record<AggregatedWindow, number>> = {
  [Window.WINDOW_ONE_MINUTE]: MINUTE_MS,
  [Window.WINDOW_FIVE_MINUTES]: 5 * MINUTE_MS,
  [Window.WINDOW_ONE_HOUR]: 60 * MINUTE_MS,
};

/** The longest window: a reading's windows all end within this long after it. */
export const LONGEST_WINDOW_MS = Math.max(...Object.values(WINDOW_LENGTH_MS));

export type AggregatedWindow = Window.WINDOW_ONE_MINUTE | Window.WINDOW_FIVE_MINUTES | Window.WINDOW_ONE_HOUR;

export const AGGREGATED_WINDOWS: readonly AggregatedWindow[] = [
  Window.WINDOW_ONE_MINUTE,
  Window.WINDOW_FIVE_MINUTES,
  Window.WINDOW_ONE_HOUR,
];

/** One quantity a device measures: its sensor type and, for SENSOR_TYPE_CUSTOM, the quantity's name. */
export interface SeriesKey {
  deviceId: string;
  sensorType: SensorType;
  /** The custom quantity's name ("co2"); '' for the other sensor types. */
  customSensor: string;
}

/** Identity of one tumbling window of one device's quantity. Times are epoch milliseconds. */
export interface WindowKey extends SeriesKey {
  window: AggregatedWindow;
  startTime: number;
}

/** Start of the epoch-aligned window of `window` size that contains `timestamp` (end exclusive). */
export function windowStart(timestamp: number, window: AggregatedWindow): number {
  const length = WINDOW_LENGTH_MS[window];
  return Math.floor(timestamp / length) * length;
}

export function windowEnd(key: Pick<WindowKey, 'window' | 'startTime'>): number {
  return key.startTime + WINDOW_LENGTH_MS[key.window];
}

/**
 * Whether a window ending at `endTime` is closed at `now`: final, as every reading it could still take
 * (all are from before its end) is older than the oldest the pipeline accepts, with a margin for those
 * accepted at that limit to arrive: `lateReadingsMs` in all. Until then late readings may change it;
 * that it has merely ended, `endTime` tells.
 */
export function isWindowClosed(endTime: number, now: number, lateReadingsMs: number): boolean {
  return now >= endTime + lateReadingsMs;
}

/** The window of each size a reading at `timestamp` belongs to; late readings land in their own, older window. */
export function windowKeysAt(series: SeriesKey, timestamp: number): WindowKey[] {
  return AGGREGATED_WINDOWS.map((window) => ({
    deviceId: series.deviceId,
    sensorType: series.sensorType,
    customSensor: series.customSensor,
    window,
    startTime: windowStart(timestamp, window),
  }));
}

/**
 * The two names of a series as one unambiguous string: names may hold any character, so the custom
 * sensor's length says where it ends and the device id takes the rest.
 */
const seriesText = (series: SeriesKey) =>
  `${series.customSensor.length}:${series.customSensor}${series.deviceId}`;

/**
 * Identifies the windows of a reading: they depend only on its series and minute, as every window
 * size is a whole number of minutes, aligned to the epoch. Lets a batch work out each minute's
 * windows once instead of once per reading.
 */
export function minuteCellId(series: SeriesKey, timestamp: number): string {
  return `${series.sensorType}:${Math.floor(timestamp / MINUTE_MS)}:${seriesText(series)}`;
}

/**
 * A string that identifies a window, for maps and sorting. The numbers come first, each ended by ':',
 * and the names last (see seriesText), so no window can be mistaken for another; computed several
 * times per reading, so kept cheap.
 */
export function windowId(key: WindowKey): string {
  return `${key.window}:${key.startTime}:${key.sensorType}:${seriesText(key)}`;
}

export function isAggregatedWindow(window: Window): window is AggregatedWindow {
  return (AGGREGATED_WINDOWS as readonly Window[]).includes(window);
}
