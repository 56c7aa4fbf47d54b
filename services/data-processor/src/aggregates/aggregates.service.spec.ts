import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import { AggregatesService } from './aggregates.service.js';
import { Window } from './domain/window.js';
import { foldReadings, windowsTouchedBy, type AggregatedReading } from './domain/window-aggregate.js';

const T0 = Date.UTC(2026, 0, 15, 10);
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const MINUTE = Window.WINDOW_ONE_MINUTE;

describe('AggregatesService', () => {
  let dir: string;
  let store: KyselyProcessorStore;
  let now = T0;
  let service: AggregatesService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-aggregates-'));
    store = await KyselyProcessorStore.open({ kind: 'sqlite', file: join(dir, 'p.sqlite') });
    service = new AggregatesService(store, () => now);
    // Three minutes of readings for dev-1, one reading each for dev-2 and dev-3.
    const readings: AggregatedReading[] = [
      ...[0, 1, 2].map((m) => ({
        deviceId: 'dev-1',
        sensorType: TEMP,
        customSensor: '',
        value: m,
        timestamp: T0 + m * 60_000,
      })),
      { deviceId: 'dev-2', sensorType: TEMP, customSensor: '', value: 5, timestamp: T0 },
      { deviceId: 'dev-3', sensorType: TEMP, customSensor: '', value: 6, timestamp: T0 },
    ];
    const keys = windowsTouchedBy(readings, 0);
    await store.inTransaction((tx) => tx.saveWindows(foldReadings(keys, new Map(), readings)));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const history = (changes: Partial<Parameters<AggregatesService['history']>[0]> = {}) =>
    service.history({
      deviceId: 'dev-1',
      sensorType: TEMP,
      customSensor: '',
      window: MINUTE,
      pageSize: 2,
      pageToken: '',
      ...changes,
    });

  it('pages through one device’s windows newest first, closed by the clock', async () => {
    now = T0 + 150_000; // inside the third minute
    const first = await history();
    expect(first.aggregates.map((a) => [a.startTime, a.closed])).toEqual([
      [T0 + 120_000, false],
      [T0 + 60_000, true],
    ]);
    const second = await history({ pageToken: first.nextPageToken });
    expect(second.aggregates.map((a) => a.startTime)).toEqual([T0]);
    expect(second.nextPageToken).toBe('');
    const recent = await history({ endAfter: T0 + 60_000 });
    expect(recent.aggregates).toHaveLength(2);
  });

  it('refuses a page token used with other filters, and bad requests', async () => {
    const { nextPageToken } = await history();
    await expect(history({ pageToken: nextPageToken, window: Window.WINDOW_ONE_HOUR })).rejects.toThrow(
      ValidationError,
    );
    const error = (await history({ deviceId: '', window: Window.WINDOW_UNSPECIFIED }).catch(
      (e: unknown) => e,
    )) as ValidationError;
    expect(error.violations.map((v) => v.field)).toEqual(['device_id', 'window']);
  });

  it('lists the latest window of every device by device id', async () => {
    const first = await service.latest({
      sensorType: TEMP,
      customSensor: '',
      window: MINUTE,
      pageSize: 2,
      pageToken: '',
    });
    expect(first.aggregates.map((a) => [a.deviceId, a.startTime])).toEqual([
      ['dev-1', T0 + 120_000],
      ['dev-2', T0],
    ]);
    const second = await service.latest({
      sensorType: TEMP,
      customSensor: '',
      window: MINUTE,
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.aggregates.map((a) => a.deviceId)).toEqual(['dev-3']);
  });
});
