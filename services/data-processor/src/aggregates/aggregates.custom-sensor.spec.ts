import { ValidationError } from '@iot-mesh/platform';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Registry } from 'prom-client';
import { processorConfigSchema } from '../config.js';
import { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import { DeviceTurns } from '../readings/device-turns.js';
import { ProcessReadingsService } from '../readings/process-readings.service.js';
import { AggregatesService, type AggregatesPage } from './aggregates.service.js';
import { Window } from './domain/window.js';
import type { WindowSummary } from './domain/window-aggregate.js';

const H = Date.UTC(2026, 0, 15, 10);
const NOW = H + 2 * 3_600_000;
const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const MINUTE = Window.WINDOW_ONE_MINUTE;
const HOUR = Window.WINDOW_ONE_HOUR;

let readingCount = 0;
const reading = (deviceId: string, customSensor: string, value: number, offsetMs: number): Reading => ({
  readingId: `r-${++readingCount}`,
  deviceId,
  sensorType: customSensor === '' ? TEMP : CUSTOM,
  value,
  unit: '',
  timestamp: { seconds: (H + offsetMs) / 1000, nanos: 0 },
  customSensor,
});

/** Every page of a query, following its tokens to the end. */
async function allPages(fetch: (pageToken: string) => Promise<AggregatesPage>): Promise<WindowSummary[]> {
  const shown: WindowSummary[] = [];
  let token = '';
  do {
    const page = await fetch(token);
    shown.push(...page.aggregates);
    token = page.nextPageToken;
  } while (token !== '' && shown.length < 100);
  return shown;
}

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) =>
      error instanceof ValidationError ? error.violations.map((v) => `${v.field}:${v.reason}`) : error,
  );

// Through the services, on the embedded adapter and on PostgreSQL.
describe.each(DATABASE_KINDS)('custom quantities of a device on %s', (kind) => {
  const opened = freshStore(kind, 'processor_custom', (settings) => KyselyProcessorStore.open(settings));
  let aggregates: AggregatesService;

  beforeAll(async () => {
    const store = opened();
    aggregates = new AggregatesService(store, processorConfigSchema.parse({}), () => NOW);
    const readings = new ProcessReadingsService(
      store,
      { lineUp: (readings) => new DeviceTurns().take(readings), evaluate: () => Promise.resolve() },
      processorConfigSchema.parse({}),
      () => NOW,
      new Registry(),
    );
    await readings.process([
      reading('lab-1', 'co2', 400, 0),
      reading('lab-1', 'noise', 40, 5_000),
      reading('lab-1', 'co2', 600, 10_000),
      reading('lab-1', 'co2', 500, 60_000),
      reading('lab-1', 'noise', 50, 65_000),
      reading('lab-1', 'noise', 60, 70_000),
      reading('lab-1', 'voc', 7, 120_000),
      reading('lab-1', '', 20, 0),
      reading('lab-2', 'co2', 900, 0),
    ]);
  });

  const history = (customSensor: string, window: Window, pageSize = 10, pageToken = '') =>
    aggregates.history({ deviceId: 'lab-1', sensorType: CUSTOM, customSensor, window, pageSize, pageToken });
  const latest = (customSensor: string, pageSize = 10, pageToken = '', sensorType = CUSTOM) =>
    aggregates.latest({ sensorType, customSensor, window: MINUTE, pageSize, pageToken });
  const stats = (w: WindowSummary) => [w.customSensor, w.count, w.min, w.max, w.avg];

  it('folds each quantity into windows of its own', async () => {
    expect((await history('co2', HOUR)).aggregates.map(stats)).toEqual([['co2', 3, 400, 600, 500]]);
    expect((await history('noise', HOUR)).aggregates.map(stats)).toEqual([['noise', 3, 40, 60, 50]]);
    expect((await history('voc', HOUR)).aggregates.map(stats)).toEqual([['voc', 1, 7, 7, 7]]);
    const temperature = await aggregates.history({
      deviceId: 'lab-1',
      sensorType: TEMP,
      customSensor: '',
      window: HOUR,
      pageSize: 10,
      pageToken: '',
    });
    expect(temperature.aggregates.map(stats)).toEqual([['', 1, 20, 20, 20]]);
  });

  it('pages through every quantity, newest first then by name, one window a page', async () => {
    const shown = await allPages((token) => history('', MINUTE, 1, token));
    expect(shown.map((w) => [w.startTime - H, ...stats(w)])).toEqual([
      [120_000, 'voc', 1, 7, 7, 7],
      [60_000, 'co2', 1, 500, 500, 500],
      [60_000, 'noise', 2, 50, 60, 55],
      [0, 'co2', 2, 400, 600, 500],
      [0, 'noise', 1, 40, 40, 40],
    ]);
    // One quantity pages on its own too.
    expect(
      (await allPages((token) => history('noise', MINUTE, 1, token))).map((w) => w.startTime - H),
    ).toEqual([60_000, 0]);
  });

  it('lists the newest window of every device and quantity, by device id then name', async () => {
    const every = await allPages((token) => latest('', 1, token));
    expect(every.map((w) => [w.deviceId, w.startTime - H, ...stats(w)])).toEqual([
      ['lab-1', 60_000, 'co2', 1, 500, 500, 500],
      ['lab-1', 60_000, 'noise', 2, 50, 60, 55],
      ['lab-1', 120_000, 'voc', 1, 7, 7, 7],
      ['lab-2', 0, 'co2', 1, 900, 900, 900],
    ]);
    const co2 = await allPages((token) => latest('co2', 1, token));
    expect(co2.map((w) => [w.deviceId, w.startTime - H, w.customSensor])).toEqual([
      ['lab-1', 60_000, 'co2'],
      ['lab-2', 0, 'co2'],
    ]);
  });

  it('refuses a name with another sensor type, a malformed name, and a token of another quantity', async () => {
    await expect(
      rejection(
        aggregates.history({
          deviceId: 'lab-1',
          sensorType: TEMP,
          customSensor: 'co2',
          window: HOUR,
          pageSize: 1,
          pageToken: '',
        }),
      ),
    ).resolves.toEqual(['custom_sensor:FIELD.CUSTOM_SENSOR_UNEXPECTED']);
    await expect(rejection(latest('co2', 1, '', TEMP))).resolves.toEqual([
      'custom_sensor:FIELD.CUSTOM_SENSOR_UNEXPECTED',
    ]);
    await expect(rejection(latest('c'.repeat(51)))).resolves.toEqual([
      'custom_sensor:FIELD.CUSTOM_SENSOR_FORMAT',
    ]);
    const { nextPageToken } = await history('', MINUTE, 1);
    await expect(rejection(history('co2', MINUTE, 1, nextPageToken))).resolves.toEqual([
      'page_token:PAGE_TOKEN.INVALID',
    ]);
    const listed = await latest('', 1);
    await expect(rejection(latest('co2', 1, listed.nextPageToken))).resolves.toEqual([
      'page_token:PAGE_TOKEN.INVALID',
    ]);
  });
});
