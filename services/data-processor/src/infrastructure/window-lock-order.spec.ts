import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Window, type WindowKey } from '../aggregates/domain/window.js';
import { compareLockOrder, compareText } from './window-lock-order.js';

describe('window lock order', () => {
  it('orders text as its UTF-8 bytes, as the databases do, not as UTF-16 units', () => {
    const texts = [
      '',
      'a',
      'B',
      'b',
      'a-2',
      'a1',
      'ab',
      'é',
      '\u00ff',
      '\ud7ff',
      '\ue000',
      '\ufffd',
      '😀',
      '😀a',
    ];
    const bytes = (text: string) => Buffer.from(text, 'utf8');
    for (const a of texts) {
      for (const b of texts) {
        expect([a, b, Math.sign(compareText(a, b))]).toEqual([a, b, Buffer.compare(bytes(a), bytes(b))]);
      }
    }
  });

  it('orders windows by device, sensor type, quantity, window size and start, as selectWindows does', () => {
    const key = (deviceId: string, customSensor: string, window: Window, startTime: number): WindowKey => ({
      deviceId,
      sensorType: customSensor === '' ? SensorType.SENSOR_TYPE_TEMPERATURE : SensorType.SENSOR_TYPE_CUSTOM,
      customSensor,
      window: window as WindowKey['window'],
      startTime,
    });
    const ordered = [
      key('a', '', Window.WINDOW_ONE_HOUR, 0),
      key('a', 'co2', Window.WINDOW_ONE_MINUTE, 60_000),
      key('a', 'co2', Window.WINDOW_FIVE_MINUTES, 0),
      key('a', 'noise', Window.WINDOW_ONE_MINUTE, 0),
      key('b', '', Window.WINDOW_ONE_MINUTE, 0),
      key('b', '', Window.WINDOW_ONE_MINUTE, 60_000),
      key('b', '', Window.WINDOW_ONE_HOUR, 0),
    ];
    expect([...ordered].reverse().sort(compareLockOrder)).toEqual(ordered);
  });
});
