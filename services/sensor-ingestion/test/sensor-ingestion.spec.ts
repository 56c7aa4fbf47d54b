import { status } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import { pendingAfterRunningAhead, scrapeMetricSum, type ServiceProcess } from '@iot-mesh/platform/testing';
import type {
  IngestStreamRequest,
  SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom, of, Subject } from 'rxjs';
import { failure, ingestionClient, startIngestion } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

const READ_AHEAD = 3;

describe('sensor ingestion over gRPC', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  let ingestion: ServiceProcess;
  let client: GrpcClient<SensorIngestionClient>;
  const api = () => client.service;

  beforeAll(async () => {
    ingestion = await startIngestion({
      DEVICE_REGISTRY_ADDRESS: await registry.start(),
      DATA_PROCESSOR_ADDRESS: await processor.start(),
      MAX_BATCH_SIZE: '20',
      FORWARD_CHUNK_SIZE: '4',
      INGEST_STREAM_READ_AHEAD: String(READ_AHEAD),
    });
    client = ingestionClient(ingestion.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await ingestion.stop();
    await Promise.all([registry.stop(), processor.stop()]);
  });

  it('ingests one reading, forwards it normalised and reports a repeat as duplicate', async () => {
    const sent = reading('single-1', { value: 212, unit: '°F' });
    await expect(firstValueFrom(api().ingest({ reading: sent }))).resolves.toEqual({
      readingId: 'single-1',
      duplicate: false,
    });
    expect(processor.received().get('single-1')).toMatchObject({ value: 100, unit: 'celsius' });
    await expect(firstValueFrom(api().ingest({ reading: sent }))).resolves.toEqual({
      readingId: 'single-1',
      duplicate: true,
    });
  });

  it('fails an invalid single reading with INVALID_ARGUMENT and every field violation', async () => {
    const before = processor.attempts;
    const invalid = await failure(
      api().ingest({ reading: reading('bad one', { value: Number.NaN, timestamp: undefined }) }),
    );
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    const violations = decodeStatusDetails(invalid.metadata)?.badRequest?.fieldViolations;
    expect(violations?.map((v) => [v.field, v.reason])).toEqual([
      ['reading_id', 'READING.ID_FORMAT'],
      ['value', 'READING.NOT_FINITE'],
      ['timestamp', 'READING.TIMESTAMP_REQUIRED'],
    ]);
    const unknown = await failure(api().ingest({ reading: reading('ghost-1', { deviceId: 'ghost' }) }));
    expect(unknown.code).toBe(status.INVALID_ARGUMENT);
    expect(decodeStatusDetails(unknown.metadata)?.badRequest?.fieldViolations[0]?.reason).toBe(
      'DEVICE.UNKNOWN',
    );
    expect((await failure(api().ingest({}))).code).toBe(status.INVALID_ARGUMENT);
    expect(processor.attempts).toBe(before);
  });

  it('accepts the valid readings of a mixed batch and reports the others per item', async () => {
    const response = await firstValueFrom(
      api().ingestBatch({
        readings: [
          reading('mix-0', { value: 212, unit: 'F' }),
          reading('mix-1', { value: Number.POSITIVE_INFINITY }),
          reading('mix-2', { deviceId: 'unknown-device' }),
          reading('mix-3', { deviceId: 'dev-disabled' }),
          reading('mix-4', { sensorType: SensorType.SENSOR_TYPE_PRESSURE, value: 101.325, unit: 'kPa' }),
          reading('mix-0', { value: 20 }),
          reading('mix-6', { deviceId: 'unknown-device', value: -0 }),
        ],
      }),
    );
    expect(response.result).toMatchObject({ acceptedCount: 2, duplicateCount: 0 });
    expect(response.result?.rejections.map((r) => [r.index, r.readingId, r.reason, r.field])).toEqual([
      [1, 'mix-1', 'READING.NOT_FINITE', 'value'],
      [2, 'mix-2', 'DEVICE.UNKNOWN', 'device_id'],
      [3, 'mix-3', 'DEVICE.INACTIVE', 'device_id'],
      [5, 'mix-0', 'READING.DUPLICATE_IN_BATCH', 'reading_id'],
      [6, 'mix-6', 'DEVICE.UNKNOWN', 'device_id'],
    ]);
    const received = processor.received();
    expect(received.get('mix-0')).toMatchObject({ value: 100, unit: 'celsius', deviceId: 'dev-active' });
    expect(received.get('mix-4')).toMatchObject({ value: 1013.25, unit: 'hpa' });
    for (const id of ['mix-1', 'mix-2', 'mix-3', 'mix-6']) expect(received.has(id)).toBe(false);
    // Each distinct device is asked once, then served from the cache.
    expect(registry.asked.filter((id) => id === 'unknown-device')).toEqual(['unknown-device']);
    expect(registry.asked.filter((id) => id === 'dev-active')).toEqual(['dev-active']);
  });

  it('forwards converted values exact to 15 significant digits', async () => {
    const pressure = (readingId: string, value: number, unit: string) =>
      reading(readingId, { sensorType: SensorType.SENSOR_TYPE_PRESSURE, value, unit });
    const response = await firstValueFrom(
      api().ingestBatch({
        readings: [
          pressure('exact-0', 10, 'psi'),
          pressure('exact-1', 14.6959, 'PSI'),
          reading('exact-2', { value: 273.16, unit: 'K' }),
          reading('exact-3', { value: 32.1, unit: '°F' }),
        ],
      }),
    );
    expect(response.result).toMatchObject({ acceptedCount: 4, rejections: [] });
    // From the units' definitions by rational arithmetic (1 psi = 6894.757293168361… Pa). Before:
    // 689.47572931683, 1013.24663704672, 0.0100000000000477 and 0.0555555555555563.
    const received = processor.received();
    expect(['exact-0', 'exact-1', 'exact-2', 'exact-3'].map((id) => received.get(id)?.value)).toEqual([
      689.475729316836, 1013.24663704673, 0.01, 0.0555555555555556,
    ]);
  });

  it('counts duplicates the processor recognised and forwards in chunks', async () => {
    const callsBefore = processor.calls.length;
    const readings = Array.from({ length: 10 }, (_, i) => reading(`chunk-${i}`));
    await firstValueFrom(api().ingestBatch({ readings: readings.slice(0, 3) }));
    const response = await firstValueFrom(api().ingestBatch({ readings }));
    expect(response.result).toEqual({
      acceptedCount: 7,
      duplicateCount: 3,
      rejections: [],
      duplicateIndexes: [0, 1, 2],
    });
    expect(processor.calls.slice(callsBefore).map((call) => call.length)).toEqual([3, 4, 4, 2]);
  });

  it('names duplicates by their position in the request, past rejected readings', async () => {
    await firstValueFrom(api().ingestBatch({ readings: [reading('pos-known')] }));
    const response = await firstValueFrom(
      api().ingestBatch({
        readings: [reading('pos-bad', { value: Number.NaN }), reading('pos-new'), reading('pos-known')],
      }),
    );
    expect(response.result).toMatchObject({ acceptedCount: 1, duplicateCount: 1, duplicateIndexes: [2] });
  });

  it('tells concurrent callers, whose readings may share one forward, each their own duplicates', async () => {
    await firstValueFrom(api().ingestBatch({ readings: [reading('conc-0'), reading('conc-2')] }));
    const singles = await Promise.all(
      ['conc-0', 'conc-1', 'conc-2', 'conc-3'].map((id) =>
        firstValueFrom(api().ingest({ reading: reading(id) })),
      ),
    );
    expect(singles.map((answer) => [answer.readingId, answer.duplicate])).toEqual([
      ['conc-0', true],
      ['conc-1', false],
      ['conc-2', true],
      ['conc-3', false],
    ]);
    const batches = await Promise.all([
      firstValueFrom(api().ingestBatch({ readings: [reading('conc-1'), reading('conc-4')] })),
      firstValueFrom(api().ingestBatch({ readings: [reading('conc-5'), reading('conc-6')] })),
    ]);
    expect(batches.map((response) => response.result)).toEqual([
      { acceptedCount: 1, duplicateCount: 1, rejections: [], duplicateIndexes: [0] },
      { acceptedCount: 2, duplicateCount: 0, rejections: [], duplicateIndexes: [] },
    ]);
  });

  it('refuses empty and oversized batches with INVALID_ARGUMENT', async () => {
    const empty = await failure(api().ingestBatch({ readings: [] }));
    const oversized = await failure(
      api().ingestBatch({ readings: Array.from({ length: 21 }, (_, i) => reading(`big-${i}`)) }),
    );
    expect([empty.code, oversized.code]).toEqual([status.INVALID_ARGUMENT, status.INVALID_ARGUMENT]);
    expect(decodeStatusDetails(oversized.metadata)?.errorInfo?.reason).toBe('BATCH.TOO_LARGE');
    expect(processor.received().has('big-0')).toBe(false);
  });

  it('ingests a client stream of batches in order and answers with the totals', async () => {
    const callsBefore = processor.calls.length;
    const response = await firstValueFrom(
      api().ingestStream(
        of(
          { readings: [reading('s-0'), reading('s-1', { unit: 'parsec' })] },
          { readings: [reading('s-2', { sensorType: SensorType.SENSOR_TYPE_HUMIDITY, unit: '%' })] },
          { readings: [reading('s-0'), reading('s-3', { deviceId: 'dev-disabled' })] },
        ),
      ),
    );
    expect(response.batchCount).toBe(3);
    expect(response.result).toMatchObject({ acceptedCount: 2, duplicateCount: 1 });
    expect(response.result?.rejections.map((r) => [r.index, r.reason])).toEqual([
      [1, 'READING.UNIT_UNKNOWN'],
      [4, 'DEVICE.INACTIVE'],
    ]);
    const order = processor.calls.slice(callsBefore).map((call) => call.map((r) => r.readingId));
    expect(order).toEqual([['s-0'], ['s-2'], ['s-0']]);
  });

  it('stops reading a client stream that runs too far ahead of ingesting it, and ingests all of it', async () => {
    const pending = () => scrapeMetricSum(ingestion.adminUrl, 'ingestion_stream_batches_pending');
    const count = 12;
    const release = processor.hold();
    const batches = new Subject<IngestStreamRequest>();
    const response = firstValueFrom(api().ingestStream(batches));
    try {
      const held = await pendingAfterRunningAhead({
        pending,
        sendFirst: () => batches.next({ readings: [reading('ahead-0')] }),
        sendRest: () => {
          for (let i = 1; i < count; i++) batches.next({ readings: [reading(`ahead-${i}`)] });
          batches.complete();
        },
        limit: READ_AHEAD,
      });
      expect(held).toBe(READ_AHEAD);
    } finally {
      release();
    }
    const totals = await response;
    expect(totals.batchCount).toBe(count);
    expect(totals.result).toMatchObject({ acceptedCount: count, duplicateCount: 0, rejections: [] });
    expect(Array.from({ length: count }, (_, i) => processor.received().has(`ahead-${i}`))).toEqual(
      Array(count).fill(true),
    );
    expect(await pending()).toBe(0);
  });

  it('exposes accepted and rejected readings as metrics', async () => {
    const metrics = await (await fetch(`${ingestion.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/ingestion_readings_rejected_total\{reason="DEVICE.UNKNOWN"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ingestion_readings_accepted_total\{[^}]*\} [1-9]/);
    expect(metrics).toMatch(/ingestion_readings_duplicate_total\{[^}]*\} [1-9]/);
  });
});
