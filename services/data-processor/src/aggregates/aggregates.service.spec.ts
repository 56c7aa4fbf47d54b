import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timestampFromMillis, ValidationError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { processorConfigSchema } from '../config.js';
import { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import { AggregatesService } from './aggregates.service.js';
import { Window } from './domain/window.js';
import { foldReadings, windowsTouchedBy, type AggregatedReading } from './domain/window-aggregate.js';

const T0 = Date.UTC(2026, 0, 15, 10);
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const MINUTE = Window.WINDOW_ONE_MINUTE;
// The defaults: ingestion's limit, and the margin for the readings it accepted at it to arrive.
const MAX_READING_AGE_MS = 48 * 3_600_000;
const LATE_READING_MARGIN_MS = 60_000;

describe('AggregatesService', () => {
  let dir: string;
  let store: KyselyProcessorStore;
  let now = T0;
  let service: AggregatesService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-aggregates-'));
    store = await KyselyProcessorStore.open({ kind: 'sqlite', file: join(dir, 'p.sqlite') });
    service = new AggregatesService(store, processorConfigSchema.parse({}), () => now);
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
    const keys = windowsTouchedBy(readings, T0, Infinity);
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

  it('pages through one device’s windows newest first', async () => {
    now = T0 + 150_000; // inside the third minute
    const first = await history();
    expect(first.aggregates.map((a) => a.startTime)).toEqual([T0 + 120_000, T0 + 60_000]);
    const second = await history({ pageToken: first.nextPageToken });
    expect(second.aggregates.map((a) => a.startTime)).toEqual([T0]);
    expect(second.nextPageToken).toBe('');
    const recent = await history({ endAfter: timestampFromMillis(T0 + 60_000) });
    expect(recent.aggregates).toHaveLength(2);
  });

  it('reports a window closed only once the oldest reading accepted, and the margin, are past its end', async () => {
    const closedByStart = async () =>
      (await history({ pageSize: 10 })).aggregates.map((a) => [a.startTime - T0, a.closed]);
    // The second minute has ended, but a reading 48 h late may still land in it.
    now = T0 + 150_000;
    expect(await closedByStart()).toEqual([
      [120_000, false],
      [60_000, false],
      [0, false],
    ]);
    now = T0 + 120_000 + MAX_READING_AGE_MS + LATE_READING_MARGIN_MS - 1;
    expect(await closedByStart()).toEqual([
      [120_000, false],
      [60_000, false],
      [0, true],
    ]);
    now += 1;
    expect(await closedByStart()).toEqual([
      [120_000, false],
      [60_000, true],
      [0, true],
    ]);
  });

  it.each([
    ['nanos of 2e9', { seconds: 0, nanos: 2_000_000_000 }],
    ['negative nanos', { seconds: 0, nanos: -5 }],
    ['seconds past year 9999', { seconds: 1e15, nanos: 0 }],
    ['seconds before year 1', { seconds: -1e12, nanos: 0 }],
    ['fractional seconds', { seconds: 1.5, nanos: 0 }],
  ])('refuses a start time with %s, naming the field', async (_name, endAfter) => {
    const error = (await history({ endAfter }).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.violations).toEqual([
      { field: 'start_time', reason: 'FIELD.TIMESTAMP', description: 'must be a valid point in time' },
    ]);
  });

  it('accepts the first and the last start time a Timestamp can hold', async () => {
    const first = await history({ endAfter: { seconds: -62_135_596_800, nanos: 0 } });
    expect(first.aggregates).toHaveLength(2);
    const last = await history({ endAfter: { seconds: 253_402_300_799, nanos: 999_999_999 } });
    expect(last.aggregates).toEqual([]);
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
