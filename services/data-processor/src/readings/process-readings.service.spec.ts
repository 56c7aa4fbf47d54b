import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnavailableError, ValidationError } from '@iot-mesh/platform';
import { Window } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { processorConfigSchema } from '../config.js';
import { KyselyProcessorStore } from '../infrastructure/kysely-processor.store.js';
import { ProcessReadingsService } from './process-readings.service.js';
import type { ReadingsEvaluator } from './readings-evaluator.port.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const HOUR = Date.UTC(2026, 0, 15, 10);
const reading = (readingId: string, value: number, at = HOUR): Reading => ({
  readingId,
  deviceId: 'boiler-1',
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value,
  unit: 'celsius',
  timestamp: { seconds: at / 1000, nanos: 0 },
  customSensor: '',
});

/** Records what it was asked to evaluate; fails while `down`. */
class RecordingEvaluator implements ReadingsEvaluator {
  readonly calls: string[][] = [];
  down = false;
  evaluate(readings: readonly Reading[]): Promise<void> {
    this.calls.push(readings.map((r) => r.readingId));
    return this.down ? Promise.reject(new Error('connection refused')) : Promise.resolve();
  }
}

describe('ProcessReadingsService', () => {
  let dir: string;
  let store: KyselyProcessorStore;
  let evaluator: RecordingEvaluator;
  let service: ProcessReadingsService;
  const hourWindow = async () =>
    (
      await store.findWindows({
        deviceId: 'boiler-1',
        sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
        window: Window.WINDOW_ONE_HOUR,
        limit: 1,
      })
    )[0];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-service-'));
    const config = processorConfigSchema.parse({ DATA_DIR: dir });
    store = await KyselyProcessorStore.open(config.storage);
    evaluator = new RecordingEvaluator();
    service = new ProcessReadingsService(
      store,
      evaluator,
      config,
      () => NOW,
      pino({ level: 'silent' }),
      new Registry(),
    );
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each reading once, within a request and across requests, and evaluates all of them', async () => {
    await expect(service.process([reading('r1', 10), reading('r2', 20), reading('r1', 10)])).resolves.toEqual(
      { processedCount: 2, duplicateCount: 1, duplicateIndexes: [2] },
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

  it('keeps readings counted when the alert manager fails, and a retry only re-evaluates them', async () => {
    evaluator.down = true;
    const failure = service.process([reading('r1', 10)]);
    await expect(failure).rejects.toBeInstanceOf(UnavailableError);
    evaluator.down = false;
    await expect(service.process([reading('r1', 10)])).resolves.toEqual({
      processedCount: 0,
      duplicateCount: 1,
      duplicateIndexes: [0],
    });
    expect(await hourWindow()).toMatchObject({ count: 1 });
    expect(evaluator.calls).toEqual([['r1'], ['r1']]);
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
    const ancient = NOW - 49 * 3_600_000;
    await expect(service.process([reading('old', 1, ancient)])).resolves.toEqual({
      processedCount: 1,
      duplicateCount: 0,
      duplicateIndexes: [],
    });
    expect(await hourWindow()).toBeUndefined();
  });
});
