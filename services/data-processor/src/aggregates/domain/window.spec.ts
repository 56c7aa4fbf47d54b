import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { minuteCellId, Window, windowEnd, windowId, windowKeysAt, windowStart } from './window.js';

const T = Date.UTC(2026, 0, 15, 10, 7, 42, 500); // 10:07:42.500

describe('window assignment', () => {
  it('aligns tumbling windows to the epoch', () => {
    expect(windowStart(T, Window.WINDOW_ONE_MINUTE)).toBe(Date.UTC(2026, 0, 15, 10, 7));
    expect(windowStart(T, Window.WINDOW_FIVE_MINUTES)).toBe(Date.UTC(2026, 0, 15, 10, 5));
    expect(windowStart(T, Window.WINDOW_ONE_HOUR)).toBe(Date.UTC(2026, 0, 15, 10));
  });

  it('includes the start and excludes the end', () => {
    const start = Date.UTC(2026, 0, 15, 10, 5);
    expect(windowStart(start, Window.WINDOW_FIVE_MINUTES)).toBe(start);
    expect(windowStart(start - 1, Window.WINDOW_FIVE_MINUTES)).toBe(start - 300_000);
    expect(windowEnd({ window: Window.WINDOW_FIVE_MINUTES, startTime: start })).toBe(start + 300_000);
  });

  it('puts a reading into one window of each size, late readings into their own older ones', () => {
    const keys = windowKeysAt('dev-1', SensorType.SENSOR_TYPE_TEMPERATURE, T);
    expect(keys.map((k) => [k.window, k.startTime])).toEqual([
      [Window.WINDOW_ONE_MINUTE, Date.UTC(2026, 0, 15, 10, 7)],
      [Window.WINDOW_FIVE_MINUTES, Date.UTC(2026, 0, 15, 10, 5)],
      [Window.WINDOW_ONE_HOUR, Date.UTC(2026, 0, 15, 10)],
    ]);
    const late = windowKeysAt('dev-1', SensorType.SENSOR_TYPE_TEMPERATURE, T - 3 * 3_600_000);
    expect(late[2]?.startTime).toBe(Date.UTC(2026, 0, 15, 7));
  });

  it('gives readings of one device and minute the same cell, and the cell decides all their windows', () => {
    const temp = SensorType.SENSOR_TYPE_TEMPERATURE;
    const minute = Date.UTC(2026, 0, 15, 10, 7);
    const ids = (t: number) => windowKeysAt('dev-1', temp, t).map(windowId);
    expect(minuteCellId('dev-1', temp, minute)).toBe(minuteCellId('dev-1', temp, minute + 59_999));
    expect(ids(minute)).toEqual(ids(minute + 59_999));
    expect(minuteCellId('dev-1', temp, minute)).not.toBe(minuteCellId('dev-1', temp, minute + 60_000));
    expect(minuteCellId('dev-1', temp, minute)).not.toBe(minuteCellId('dev-2', temp, minute));
    expect(minuteCellId('dev-1', temp, minute)).not.toBe(
      minuteCellId('dev-1', SensorType.SENSOR_TYPE_HUMIDITY, minute),
    );
  });
});
