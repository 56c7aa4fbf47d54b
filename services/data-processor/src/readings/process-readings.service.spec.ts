import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '@iot-mesh/platform';
import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino } from 'pino';
import { AlertCursorEvaluator } from '../../test/alert-cursor-evaluator.js';
import { openProcessor, type InProcessProcessor } from '../../test/in-process-processor.js';
import { WindowRetentionService } from '../aggregates/window-retention.service.js';
import type { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import type { ProcessReadingsService } from './process-readings.service.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = Date.UTC(2026, 0, 15, 10);
const HOUR_MS = 3_600_000;
const reading = (readingId: string, value: number, at = HOUR): Reading => ({
  readingId,
  deviceId: 'boiler-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value,
  unit: 'celsius',
  timestamp: { seconds: at / 1000, nanos: 0 },
  customSensor: '',
});

describe('ProcessReadingsService', () => {
  let dir: string;
  let now: number;
  let evaluator: AlertCursorEvaluator;
  let processor: InProcessProcessor;
  let store: KyselyProcessorStore;
  let service: ProcessReadingsService;
  const hourWindow = async (startTime = HOUR) =>
    (
      await store.findWindows({
        deviceId: 'boiler-1',
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        window: Window.WINDOW_ONE_HOUR,
        limit: 10,
      })
    ).find((w) => w.startTime === startTime);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-service-'));
    now = NOW;
    evaluator = new AlertCursorEvaluator();
    processor = await openProcessor({ dataDir: dir, evaluator, now: () => now });
    ({ store, service } = processor);
  });
  afterEach(async () => {
    await processor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each reading once, within a request and across requests, and evaluates all of them', async () => {
    await expect(service.process([reading('r1', 10), reading('r2', 20), reading('r1', 10)])).resolves.toEqual(
      {
        processedCount: 2,
        duplicateCount: 1,
        duplicateIndexes: [2],
      },
    );
    await expect(service.process([reading('r2', 20), reading('r3', 30)])).resolves.toEqual({
      processedCount: 1,
      duplicateCount: 1,
      duplicateIndexes: [0],
    });
    expect(await hourWindow()).toMatchObject({ count: 3, min: 10, max: 30, sum: 60 });
    expect(evaluator.calls).toEqual([
      ['r1', 'r2'],
      ['r2', 'r3'],
    ]);
  });

  it('does not evaluate an id sent again with other values: that reading was not counted', async () => {
    await service.process([reading('r1', 20, HOUR)]);
    // The same id, another value and time: a duplicate, neither counted nor evaluated.
    await expect(service.process([reading('r1', 99, HOUR + 60_000), reading('r2', 21)])).resolves.toEqual({
      processedCount: 1,
      duplicateCount: 1,
      duplicateIndexes: [0],
    });
    // Sent again exactly as it was: a retry, evaluated again.
    await service.process([reading('r1', 20, HOUR)]);
    expect(evaluator.calls).toEqual([['r1'], ['r2'], ['r1']]);
    // Nothing to evaluate, no call.
    await service.process([reading('r1', 5, HOUR)]);
    expect(evaluator.calls).toHaveLength(3);
    expect(await hourWindow()).toMatchObject({ count: 2, max: 21 });
  });

  it('takes the first copy of an id repeated in one call as the reading: its retries are evaluated, the other’s not', async () => {
    // Two callers merged into one call, the second reusing the id with another value (a reset counter).
    await expect(service.process([reading('r5', 20), reading('r5', 95)])).resolves.toMatchObject({
      processedCount: 1,
      duplicateIndexes: [1],
    });
    await service.process([reading('r5', 20)]);
    await service.process([reading('r5', 95)]);
    // The counted 20 and its retry; 95, which no window holds, never.
    expect(evaluator.received.map((r) => `${r.readingId}=${r.value}`)).toEqual(['r5=20', 'r5=20']);
    expect(await hourWindow()).toMatchObject({ count: 1, min: 20, max: 20 });
  });

  it('refuses a request with any invalid reading, storing nothing', async () => {
    const bad = { ...reading('r2', Number.NaN), deviceId: '' };
    const error = await service.process([reading('r1', 10), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations.map((v) => v.field)).toEqual([
      'readings[1].device_id',
      'readings[1].value',
    ]);
    expect(await hourWindow()).toBeUndefined();
    expect(evaluator.calls).toEqual([]);
  });

  it('counts readings older than the retention period without keeping windows for them', async () => {
    const ancient = NOW - 49 * HOUR_MS;
    await expect(service.process([reading('old', 1, ancient)])).resolves.toEqual({
      processedCount: 1,
      duplicateCount: 0,
      duplicateIndexes: [],
    });
    expect(await hourWindow()).toBeUndefined();
  });

  describe('with the retention pruning', () => {
    const prune = () =>
      new WindowRetentionService(store, processor.config, () => now, pino({ level: 'silent' })).prune();

    it('remembers a reading stamped ahead of the clock as long as its windows are kept', async () => {
      // The device's clock runs 4 minutes fast (ingestion takes up to 5); the reading opens an hour.
      now = HOUR - 4 * 60_000;
      await service.process([reading('ahead', 21, HOUR)]);
      // 2 minutes before its hour window goes, 48 h 58 min after it arrived.
      now = HOUR + 48 * HOUR_MS + 58 * 60_000;
      await prune();
      await expect(service.process([reading('ahead', 21, HOUR)])).resolves.toMatchObject({
        duplicateCount: 1,
      });
      expect(await hourWindow(HOUR)).toMatchObject({ count: 1 });
    });

    it('remembers a reading until the last of its windows is pruned', async () => {
      now = HOUR + 30_000;
      await service.process([reading('on-time', 21, now)]);
      // The retention period has passed for the reading, not yet for its hour window.
      now += 48 * HOUR_MS + 30 * 60_000;
      await prune();
      await expect(service.process([reading('on-time', 21, HOUR + 30_000)])).resolves.toMatchObject({
        duplicateCount: 1,
      });
      expect(await hourWindow(HOUR)).toMatchObject({ count: 1 });
    });
  });
});
