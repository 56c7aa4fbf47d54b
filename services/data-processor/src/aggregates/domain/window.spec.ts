import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import {
  minuteCellId,
  Window,
  windowEnd,
  windowId,
  windowKeysAt,
  windowStart,
  type SeriesKey,
  type WindowKey,
} from './window.js';

const T = Date.UTC(2026, 0, 15, 10, 7, 42, 500); // 10:07:42.500
const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
const series = (deviceId: string, sensorType = SensorType.SENSOR_TYPE_TEMPERATURE, customSensor = '') => ({
  deviceId,
  sensorType,
  customSensor,
});

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
    const keys = windowKeysAt(series('dev-1'), T);
    expect(keys.map((k) => [k.window, k.startTime])).toEqual([
      [Window.WINDOW_ONE_MINUTE, Date.UTC(2026, 0, 15, 10, 7)],
      [Window.WINDOW_FIVE_MINUTES, Date.UTC(2026, 0, 15, 10, 5)],
      [Window.WINDOW_ONE_HOUR, Date.UTC(2026, 0, 15, 10)],
    ]);
    const late = windowKeysAt(series('dev-1'), T - 3 * 3_600_000);
    expect(late[2]?.startTime).toBe(Date.UTC(2026, 0, 15, 7));
  });

  it('gives readings of one device and minute the same cell, and the cell decides all their windows', () => {
    const minute = Date.UTC(2026, 0, 15, 10, 7);
    const ids = (t: number) => windowKeysAt(series('dev-1'), t).map(windowId);
    expect(minuteCellId(series('dev-1'), minute)).toBe(minuteCellId(series('dev-1'), minute + 59_999));
    expect(ids(minute)).toEqual(ids(minute + 59_999));
    expect(minuteCellId(series('dev-1'), minute)).not.toBe(minuteCellId(series('dev-1'), minute + 60_000));
    expect(minuteCellId(series('dev-1'), minute)).not.toBe(minuteCellId(series('dev-2'), minute));
    expect(minuteCellId(series('dev-1'), minute)).not.toBe(
      minuteCellId(series('dev-1', SensorType.SENSOR_TYPE_HUMIDITY), minute),
    );
  });

  it('keys each custom quantity of a device on its own, its name in every window', () => {
    const keys = windowKeysAt(series('lab-1', CUSTOM, 'co2'), T);
    expect(keys).toEqual<WindowKey[]>([
      {
        ...series('lab-1', CUSTOM, 'co2'),
        window: Window.WINDOW_ONE_MINUTE,
        startTime: Date.UTC(2026, 0, 15, 10, 7),
      },
      {
        ...series('lab-1', CUSTOM, 'co2'),
        window: Window.WINDOW_FIVE_MINUTES,
        startTime: Date.UTC(2026, 0, 15, 10, 5),
      },
      {
        ...series('lab-1', CUSTOM, 'co2'),
        window: Window.WINDOW_ONE_HOUR,
        startTime: Date.UTC(2026, 0, 15, 10),
      },
    ]);
    expect(minuteCellId(series('lab-1', CUSTOM, 'co2'), T)).not.toBe(
      minuteCellId(series('lab-1', CUSTOM, 'noise'), T),
    );
  });

  // Names may hold any printable character, ':' included, and a name may look like a device id.
  const lookalikes: [string, SeriesKey, SeriesKey][] = [
    ['name and device id split elsewhere', series('b', CUSTOM, 'a'), series('', CUSTOM, 'ab')],
    ['name and device id swapped', series('dev-1', CUSTOM, 'dev-2'), series('dev-2', CUSTOM, 'dev-1')],
    ['a colon moved across the split', series(':x', CUSTOM, 'a'), series('x', CUSTOM, 'a:')],
    ['a name that spells a length prefix', series('1:ab', CUSTOM, ''), series('b', CUSTOM, 'a')],
    ['digits moved across the split', series('12:a', CUSTOM, '1'), series('2:a', CUSTOM, '11')],
    ['no name and an empty name', series('co2', CUSTOM, ''), series('', CUSTOM, 'co2')],
  ];
  it.each(lookalikes)('never gives two series one id: %s', (_case, a, b) => {
    expect(minuteCellId(a, T)).not.toBe(minuteCellId(b, T));
    const idsOf = (s: SeriesKey) => windowKeysAt(s, T).map(windowId);
    expect(idsOf(a).filter((id) => idsOf(b).includes(id))).toEqual([]);
  });

  it('spells the window id as its numbers, the name’s length, the name and the device id', () => {
    const key: WindowKey = {
      ...series('dev:1', CUSTOM, 'a:b'),
      window: Window.WINDOW_ONE_MINUTE,
      startTime: 60_000,
    };
    expect(windowId(key)).toBe(`${Window.WINDOW_ONE_MINUTE}:60000:${CUSTOM}:3:a:bdev:1`);
    expect(minuteCellId(key, 60_000)).toBe(`${CUSTOM}:1:3:a:bdev:1`);
    expect(windowId({ ...key, ...series('dev-1') })).toBe(
      `${Window.WINDOW_ONE_MINUTE}:60000:${SensorType.SENSOR_TYPE_TEMPERATURE}:0:dev-1`,
    );
  });
});
