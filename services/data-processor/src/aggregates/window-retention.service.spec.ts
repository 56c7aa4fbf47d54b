import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino } from 'pino';
import { processorConfigSchema } from '../config.js';
import { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import { foldReadings, windowsTouchedBy } from './domain/window-aggregate.js';
import { isWindowClosed, Window } from './domain/window.js';
import { WindowRetentionService } from './window-retention.service.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR_MS = 3_600_000;

describe('WindowRetentionService', () => {
  let dir: string;
  let store: KyselyProcessorStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-retention-'));
    store = await KyselyProcessorStore.open({ kind: 'sqlite', file: join(dir, 'p.sqlite') });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('deletes windows older than the retention period on start-up and keeps the rest', async () => {
    const readings = [4, 1].map((hoursAgo) => ({
      deviceId: 'dev-1',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      customSensor: '',
      value: hoursAgo,
      timestamp: NOW - hoursAgo * HOUR_MS,
    }));
    await store.inTransaction((tx) =>
      tx.saveWindows(foldReadings(windowsTouchedBy(readings, NOW, Infinity), new Map(), readings)),
    );
    const config = processorConfigSchema.parse({ WINDOW_RETENTION_HOURS: '2' });
    const retention = new WindowRetentionService(store, config, () => NOW, pino({ level: 'silent' }));
    retention.onApplicationBootstrap();
    await retention.onModuleDestroy(); // waits for the first pass
    const hours = await store.findWindows({
      deviceId: 'dev-1',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      window: Window.WINDOW_ONE_HOUR,
      limit: 10,
    });
    expect(hours.map((w) => w.startTime)).toEqual([NOW - HOUR_MS]);
  });

  it('keeps a window past the retention while it is still open, as with the defaults', async () => {
    // Retention and ingestion's age limit both 48 h: a window past it still takes readings for the margin.
    const at = NOW - 48 * HOUR_MS;
    const readings = [at - 90_000, at - 30_000].map((timestamp) => ({
      deviceId: 'dev-2',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      customSensor: '',
      value: 1,
      timestamp,
    }));
    await store.inTransaction((tx) =>
      tx.saveWindows(foldReadings(windowsTouchedBy(readings, at, Infinity), new Map(), readings)),
    );
    const now = NOW + 30_000;
    const config = processorConfigSchema.parse({});
    await new WindowRetentionService(store, config, () => now, pino({ level: 'silent' })).prune();
    const minutes = await store.findWindows({
      deviceId: 'dev-2',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      window: Window.WINDOW_ONE_MINUTE,
      limit: 10,
    });
    // The minute ending 48 h ago is open until a minute later; the one before it closed 30 s ago.
    expect(minutes.map((w) => [w.endTime, isWindowClosed(w.endTime, now, config.lateReadingsMs)])).toEqual([
      [at, false],
    ]);
  });
});
