import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { status } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import { eventually, ServiceStartError, startFailure, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  Window,
  type Aggregate,
  type DataProcessorClient,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom, type Observable } from 'rxjs';
import { AlertManagerStub } from './alert-manager-stub.js';
import { processorClient, startProcessor } from './processor-process.js';
import { customReading, expectStatistics, failure, reading } from './readings.fixture.js';

const HOUR_MS = 3_600_000;
const TEMP = SensorType.SENSOR_TYPE_TEMPERATURE;
const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
// First bytes of a stored sketch's forms (sketch-forms.ts): the previous release reads only the dense one.
const DENSE_FORM = 0x07;
const RUN_FORM = 0x0f;
// A whole past hour, so every window in it has ended; well inside the 48 h retention (and still open).
const BASE = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 3 * HOUR_MS;

// 600 readings of boiler-1, one every 6 s over the hour, values 10..69.9 in a shuffled order.
const HOUR_READINGS = Array.from({ length: 600 }, (_, i) =>
  reading(`b1-${i}`, 'boiler-1', 10 + ((i * 37) % 600) / 10, BASE + i * 6_000),
);

describe('data processor over gRPC', () => {
  let dataDir: string;
  let alerts: AlertManagerStub;
  let processor: ServiceProcess;
  let client: GrpcClient<DataProcessorClient>;
  const api = () => client.service;
  const env = () => ({
    DATA_DIR: dataDir,
    ALERT_MANAGER_ADDRESS: alerts.address,
    PENDING_EVALUATIONS_POLL_INTERVAL_MS: '100',
  });
  const restart = async (overrides: Record<string, string> = {}) => {
    await expect(processor.stop()).resolves.toEqual({ code: 0, signal: null });
    processor = await startProcessor({ ...env(), ...overrides });
    client.close();
    client = processorClient(processor.grpcAddress);
  };
  /** Ids of the readings the alert manager took, each once, in the order it first took them. */
  const acceptedOnce = () => [...new Set(alerts.accepted.flat())];
  const send = (readings: Reading[]) => firstValueFrom(api().processReadings({ readings }));
  const customWindows = (deviceId: string, customSensor: string, window: Window) =>
    firstValueFrom(
      api().getAggregates({
        deviceId,
        sensorType: CUSTOM,
        customSensor,
        window,
        pageSize: 10,
        pageToken: '',
      }),
    );
  const history = (deviceId: string, window: Window, pageSize = 100, pageToken = '') =>
    firstValueFrom(
      api().getAggregates({ deviceId, sensorType: TEMP, customSensor: '', window, pageSize, pageToken }),
    );

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'processor-'));
    alerts = await AlertManagerStub.start();
    processor = await startProcessor(env());
    client = processorClient(processor.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await processor.stop();
    await alerts.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('aggregates count, min, max, avg and p95 over 1 m, 5 m and 1 h windows', async () => {
    for (let i = 0; i < HOUR_READINGS.length; i += 100) {
      await expect(send(HOUR_READINGS.slice(i, i + 100))).resolves.toEqual({
        processedCount: 100,
        duplicateCount: 0,
        duplicateIndexes: [],
      });
    }
    expect(alerts.evaluatedIds()).toEqual(HOUR_READINGS.map((r) => r.readingId));
    const valuesIn = (start: number, length: number) =>
      HOUR_READINGS.filter((_, i) => BASE + i * 6_000 >= start && BASE + i * 6_000 < start + length).map(
        (r) => r.value,
      );

    const hour = await history('boiler-1', Window.WINDOW_ONE_HOUR);
    expect(hour.aggregates).toHaveLength(1);
    expect(hour.aggregates[0]?.startTime?.seconds).toBe(BASE / 1000);
    expectStatistics(hour.aggregates[0], valuesIn(BASE, HOUR_MS));

    const fives = await history('boiler-1', Window.WINDOW_FIVE_MINUTES);
    expect(fives.aggregates).toHaveLength(12);
    fives.aggregates.forEach((a) => expectStatistics(a, valuesIn(a.startTime!.seconds * 1000, 300_000)));

    const minutes = await history('boiler-1', Window.WINDOW_ONE_MINUTE);
    expect(minutes.aggregates.map((a) => a.startTime!.seconds * 1000)).toEqual(
      Array.from({ length: 60 }, (_, m) => BASE + (59 - m) * 60_000), // newest first
    );
    minutes.aggregates.forEach((a) => expectStatistics(a, valuesIn(a.startTime!.seconds * 1000, 60_000)));
  });

  it('has neither counted nor evaluated a reading id sent again with other values', async () => {
    const before = alerts.calls.length;
    const reused = { ...HOUR_READINGS[0], value: HOUR_READINGS[0].value + 500 };
    await expect(send([reused])).resolves.toMatchObject({ processedCount: 0, duplicateCount: 1 });
    expect(alerts.calls.slice(before)).toEqual([]);
  });

  it('does not count duplicates, but still has them evaluated', async () => {
    const before = alerts.calls.length;
    const again = [HOUR_READINGS[0], HOUR_READINGS[1], reading('b1-new', 'boiler-1', 1000, BASE)];
    await expect(send(again)).resolves.toEqual({
      processedCount: 1,
      duplicateCount: 2,
      duplicateIndexes: [0, 1],
    });
    expect(alerts.calls.slice(before)).toEqual([['b1-0', 'b1-1', 'b1-new']]);
    const hour = await history('boiler-1', Window.WINDOW_ONE_HOUR);
    expect(hour.aggregates[0]).toMatchObject({ count: 601, max: 1000 });
  });

  it('pages windows newest first and lists the latest window of every device', async () => {
    const first = await history('boiler-1', Window.WINDOW_FIVE_MINUTES, 5);
    const second = await history('boiler-1', Window.WINDOW_FIVE_MINUTES, 5, first.nextPageToken);
    const third = await history('boiler-1', Window.WINDOW_FIVE_MINUTES, 5, second.nextPageToken);
    const starts = [...first.aggregates, ...second.aggregates, ...third.aggregates].map(
      (a) => a.startTime!.seconds,
    );
    expect(starts).toHaveLength(12);
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
    expect(third.nextPageToken).toBe('');

    const future = Date.now() + 2 * HOUR_MS; // its window cannot close during the test
    await send([
      reading('c-1', 'chiller-1', 4, BASE),
      reading('a-1', 'attic-1', 30, BASE),
      reading('a-2', 'attic-1', 31, future),
    ]);
    const page1 = await firstValueFrom(
      api().listAggregates({
        sensorType: TEMP,
        customSensor: '',
        window: Window.WINDOW_ONE_HOUR,
        pageSize: 2,
        pageToken: '',
      }),
    );
    const page2 = await firstValueFrom(
      api().listAggregates({
        sensorType: TEMP,
        customSensor: '',
        window: Window.WINDOW_ONE_HOUR,
        pageSize: 2,
        pageToken: page1.nextPageToken,
      }),
    );
    expect([...page1.aggregates, ...page2.aggregates].map((a) => [a.deviceId, a.max])).toEqual([
      ['attic-1', 31],
      ['boiler-1', 1000],
      ['chiller-1', 4],
    ]);
    expect(page2.nextPageToken).toBe('');
  });

  it('keeps the custom quantities of one device in windows of their own', async () => {
    await expect(
      send([
        customReading('l-1', 'lab-1', 'co2', 400, BASE),
        customReading('l-2', 'lab-1', 'noise', 40, BASE + 1_000),
        customReading('l-3', 'lab-1', 'co2', 600, BASE + 2_000),
        customReading('l-4', 'lab-1', 'noise', 50, BASE + 61_000),
      ]),
    ).resolves.toMatchObject({ processedCount: 4, duplicateCount: 0 });
    const custom = (customSensor: string, window: Window) => customWindows('lab-1', customSensor, window);
    const stats = (a: Aggregate) => [a.customSensor, a.count, a.min, a.max, a.avg];
    expect((await custom('co2', Window.WINDOW_ONE_HOUR)).aggregates.map(stats)).toEqual([
      ['co2', 2, 400, 600, 500],
    ]);
    expect((await custom('noise', Window.WINDOW_ONE_HOUR)).aggregates.map(stats)).toEqual([
      ['noise', 2, 40, 50, 45],
    ]);
    // Without a name: every quantity's windows, the newest first and then by name.
    const minutes = await custom('', Window.WINDOW_ONE_MINUTE);
    expect(minutes.aggregates.map((a) => [a.startTime!.seconds * 1000, ...stats(a)])).toEqual([
      [BASE + 60_000, 'noise', 1, 50, 50, 50],
      [BASE, 'co2', 2, 400, 600, 500],
      [BASE, 'noise', 1, 40, 40, 40],
    ]);
    const latest = await firstValueFrom(
      api().listAggregates({
        sensorType: CUSTOM,
        customSensor: '',
        window: Window.WINDOW_ONE_HOUR,
        pageSize: 10,
        pageToken: '',
      }),
    );
    expect(latest.aggregates.map((a) => [a.deviceId, ...stats(a)])).toEqual([
      ['lab-1', 'co2', 2, 400, 600, 500],
      ['lab-1', 'noise', 2, 40, 50, 45],
    ]);
  });

  it.each([
    // Valid custom values; the sketch once stored every key between them, as it does in this form.
    ['in a few bytes with SKETCH_COMPACT_FORM', { SKETCH_COMPACT_FORM: 'true' }, RUN_FORM, 0, 40],
    ['by default in the form the previous release reads', {}, DENSE_FORM, 90_000, 96_000],
  ])(
    'stores the sketch of custom readings 400 orders of magnitude apart %s',
    async (_, settings, form, least, most) => {
      await restart(settings);
      const device = `wide-${form}`;
      const values = [1e-300, 1e100, -1e-300, -1e100];
      await expect(
        send(values.map((v, i) => customReading(`${device}-${i}`, device, 'flux', v, BASE + i * 1_000))),
      ).resolves.toMatchObject({ processedCount: 4 });
      const database = new DatabaseSync(join(dataDir, 'data-processor.sqlite'), { readOnly: true });
      try {
        const stored = database
          .prepare(
            'select hex(substr(sketch, 1, 1)) as form, length(sketch) as bytes from windows where device_id = ?',
          )
          .all(device)
          .map((row) => [parseInt(String(row.form), 16), Number(row.bytes)]);
        expect(stored).toHaveLength(3);
        for (const [first, bytes] of stored) {
          expect([first, bytes > least && bytes < most]).toEqual([form, true]);
        }
      } finally {
        database.close();
      }
      const [hour] = (await customWindows(device, 'flux', Window.WINDOW_ONE_HOUR)).aggregates;
      expect(hour).toMatchObject({ count: 4, min: -1e100, max: 1e100, p95: 1e100 });
    },
  );

  it('refuses to start with a SKETCH_COMPACT_FORM that is no flag, exit 78 naming it', async () => {
    const failure = await startFailure(startProcessor({ ...env(), SKETCH_COMPACT_FORM: 'on' }));
    expect(failure).toBeInstanceOf(ServiceStartError);
    expect((failure as ServiceStartError).exitCode).toBe(78);
    expect((failure as ServiceStartError).message).toContain('SKETCH_COMPACT_FORM');
  });

  it('reports avg as the mean, however the readings round or cancel, one call after another', async () => {
    // A plain running sum made 0.09999999999999999 of ten 0.1 (below min), and 0 of 1e100, 1, -1e100.
    for (const [i, value] of [...Array<number>(10).fill(0.1), 1e100, 1, -1e100].entries()) {
      const quantity = i < 10 ? 'tenths' : 'cancel';
      await send([customReading(`m-${i}`, 'mean-1', quantity, value, BASE + i * 1_000)]);
    }
    const [tenths] = (await customWindows('mean-1', 'tenths', Window.WINDOW_ONE_HOUR)).aggregates;
    expect(tenths).toMatchObject({ count: 10, min: 0.1, max: 0.1, avg: 0.1 });
    const [cancel] = (await customWindows('mean-1', 'cancel', Window.WINDOW_ONE_HOUR)).aggregates;
    expect(cancel).toMatchObject({ count: 3, avg: 1 / 3 });
  });

  it('refuses a custom reading without its name, and a name with another sensor type', async () => {
    const refusal = async (call: Observable<unknown>) => {
      const error = await failure(call);
      const violations = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations;
      return [error.code, violations?.map((v) => [v.field, v.reason])];
    };
    await expect(
      refusal(api().processReadings({ readings: [customReading('l-9', 'lab-1', '', 1, BASE)] })),
    ).resolves.toEqual([
      status.INVALID_ARGUMENT,
      [['readings[0].custom_sensor', 'READING.CUSTOM_SENSOR_REQUIRED']],
    ]);
    await expect(
      refusal(
        api().getAggregates({
          deviceId: 'lab-1',
          sensorType: TEMP,
          customSensor: 'co2',
          window: Window.WINDOW_ONE_HOUR,
          pageSize: 0,
          pageToken: '',
        }),
      ),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['custom_sensor', 'FIELD.CUSTOM_SENSOR_UNEXPECTED']]]);
  });

  it('refuses a start time that is no valid Timestamp, as ProcessReadings refuses such a reading time', async () => {
    const refusal = async (call: Observable<unknown>) => {
      const error = await failure(call);
      const violations = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations;
      return [error.code, violations?.map((v) => [v.field, v.reason])];
    };
    const startTime = { seconds: 0, nanos: 2_000_000_000 };
    await expect(
      refusal(
        api().getAggregates({
          deviceId: 'boiler-1',
          sensorType: TEMP,
          customSensor: '',
          window: Window.WINDOW_ONE_HOUR,
          startTime,
          pageSize: 0,
          pageToken: '',
        }),
      ),
    ).resolves.toEqual([status.INVALID_ARGUMENT, [['start_time', 'FIELD.TIMESTAMP']]]);
    const invalid = { ...reading('t-1', 'boiler-1', 1, BASE), timestamp: startTime };
    await expect(refusal(api().processReadings({ readings: [invalid] }))).resolves.toEqual([
      status.INVALID_ARGUMENT,
      [['readings[0].timestamp', 'READING.TIMESTAMP']],
    ]);
  });

  it('refuses a call of more than 1000 readings, or of a device id no device can have, and stores nothing', async () => {
    const codes = async (readings: Reading[]) => {
      const error = await failure(api().processReadings({ readings }));
      const violations = decodeStatusDetails(error.metadata)?.badRequest?.fieldViolations;
      return [error.code, violations?.map((v) => [v.field, v.reason])];
    };
    const many = Array.from({ length: 1_001 }, (_, i) => reading(`x-${i}`, 'mixer-1', 20, BASE + i));
    await expect(codes(many)).resolves.toEqual([
      status.INVALID_ARGUMENT,
      [['readings', 'READINGS.TOO_MANY']],
    ]);
    const notADevice = [reading('x-1', 'mixer-1', 20, BASE), reading('x-2', 'Not A Device/1', 20, BASE)];
    await expect(codes(notADevice)).resolves.toEqual([
      status.INVALID_ARGUMENT,
      [['readings[1].device_id', 'READING.DEVICE_ID']],
    ]);
    expect((await history('mixer-1', Window.WINDOW_ONE_HOUR)).aggregates).toEqual([]);
  });

  it("hands a full call over behind its device's queued readings in calls the alert manager takes, in order", async () => {
    const queued = [reading('fc-q1', 'meter-1', 20, BASE), reading('fc-q2', 'meter-1', 20, BASE + 1)];
    alerts.unavailable = true;
    await expect(send(queued)).resolves.toMatchObject({ processedCount: 2 });
    alerts.unavailable = false;
    const before = alerts.calls.length;
    const full = Array.from({ length: 1_000 }, (_, i) => reading(`fc-${i}`, 'meter-1', 20, BASE + 2 + i));
    await expect(send(full)).resolves.toMatchObject({ processedCount: 1_000, duplicateCount: 0 });
    await eventually(() => (acceptedOnce().includes('fc-999') ? true : undefined), 'fc-999 evaluated');
    expect(alerts.calls.slice(before).every((ids) => ids.length <= 1_000)).toBe(true);
    expect(acceptedOnce().filter((id) => id.startsWith('fc-'))).toEqual(
      [...queued, ...full].map((r) => r.readingId),
    );
  });

  it('queues what the alert manager does not take, and has it evaluated before newer readings', async () => {
    const batch = [reading('d-1', 'dryer-1', 50, BASE), reading('d-2', 'dryer-1', 70, BASE + 1)];
    alerts.unavailable = true;
    await expect(send(batch)).resolves.toEqual({
      processedCount: 2,
      duplicateCount: 0,
      duplicateIndexes: [],
    });
    alerts.unavailable = false;
    // A newer reading of the device, while the queue may or may not have been delivered yet.
    await expect(send([reading('d-3', 'dryer-1', 60, BASE + 2)])).resolves.toMatchObject({
      processedCount: 1,
    });
    await eventually(() => (acceptedOnce().includes('d-3') ? true : undefined), 'd-3 evaluated');
    expect(acceptedOnce().filter((id) => id.startsWith('d-'))).toEqual(['d-1', 'd-2', 'd-3']);
    const hour = await history('dryer-1', Window.WINDOW_ONE_HOUR);
    expect(hour.aggregates[0]).toMatchObject({ count: 3, min: 50, max: 70, avg: 60 });
  });

  it("answers within its caller's deadline while the alert manager hangs: the readings wait in the queue", async () => {
    // Ingestion calls ProcessReadings with DATA_PROCESSOR_DEADLINE_MS (4000 by default); the processor must
    // give up on a frozen alert manager (ALERT_MANAGER_DEADLINE_MS) and queue well before that.
    const ingestionLike = processorClient(processor.grpcAddress, 4_000);
    alerts.hung = true;
    try {
      await expect(
        firstValueFrom(
          ingestionLike.service.processReadings({ readings: [reading('h-1', 'kiln-1', 40, BASE)] }),
        ),
      ).resolves.toMatchObject({ processedCount: 1 });
    } finally {
      alerts.answerHeld();
      ingestionLike.close();
    }
    await eventually(
      () => (acceptedOnce().includes('h-1') ? true : undefined),
      'h-1 evaluated from the queue',
    );
  });

  it('has a call wait for the earlier call of its device that the alert manager holds, so that its reading does not overtake', async () => {
    // Ingestion keeps two calls out per shard: the device's newer reading comes while the alert manager
    // holds the older one's call, which the processor gives up on after ALERT_MANAGER_DEADLINE_MS.
    alerts.hung = true;
    const older = send([reading('o-1', 'oven-1', 200, BASE)]);
    await eventually(() => (alerts.evaluatedIds().includes('o-1') ? true : undefined), 'o-1 held');
    alerts.hung = false;
    const ingestionLike = processorClient(processor.grpcAddress, 4_000);
    try {
      const newer = firstValueFrom(
        ingestionLike.service.processReadings({ readings: [reading('o-2', 'oven-1', 20, BASE + 1_000)] }),
      );
      // Both answered within ingestion's deadline: the newer one queued behind the older one.
      await expect(Promise.all([older, newer])).resolves.toMatchObject([
        { processedCount: 1 },
        { processedCount: 1 },
      ]);
    } finally {
      ingestionLike.close();
    }
    await eventually(() => (acceptedOnce().includes('o-2') ? true : undefined), 'o-2 evaluated');
    expect(acceptedOnce().filter((id) => id.startsWith('o-'))).toEqual(['o-1', 'o-2']);
  });

  it('delivers after a restart what it had queued when it stopped', async () => {
    alerts.unavailable = true;
    await send([reading('q-1', 'quay-1', 5, BASE)]);
    alerts.unavailable = false;
    // With room for one queued reading from now on, for the next test.
    await restart({ PENDING_EVALUATIONS_MAX: '1' });
    await eventually(() => (acceptedOnce().includes('q-1') ? true : undefined), 'q-1 evaluated');
  });

  it('answers UNAVAILABLE while the alert manager is down and its queue is full; the retry is not counted twice', async () => {
    const batch = [reading('f-1', 'fridge-1', 3, BASE), reading('f-2', 'fridge-1', 4, BASE + 1)];
    alerts.unavailable = true;
    const down = await failure(api().processReadings({ readings: batch }));
    expect(down.code).toBe(status.UNAVAILABLE);
    alerts.unavailable = false;
    await expect(send(batch)).resolves.toEqual({
      processedCount: 0,
      duplicateCount: 2,
      duplicateIndexes: [0, 1],
    });
    expect(alerts.accepted.at(-1)).toEqual(['f-1', 'f-2']);
    const hour = await history('fridge-1', Window.WINDOW_ONE_HOUR);
    expect(hour.aggregates[0]).toMatchObject({ count: 2, min: 3, max: 4 });
  });

  it('refuses bad input with INVALID_ARGUMENT naming the fields, and stores none of it', async () => {
    const bad = await failure(
      api().processReadings({
        readings: [
          reading('e-1', 'etc-1', 1, BASE),
          { ...reading('', 'etc-1', Number.NaN, BASE), timestamp: undefined },
          { ...reading('e-3', 'etc-1', 1, BASE), sensorType: SensorType.SENSOR_TYPE_UNSPECIFIED },
        ],
      }),
    );
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
    expect(decodeStatusDetails(bad.metadata)?.badRequest?.fieldViolations.map((v) => v.field)).toEqual([
      'readings[1].reading_id',
      'readings[1].value',
      'readings[1].timestamp',
      'readings[2].sensor_type',
    ]);
    await expect(history('etc-1', Window.WINDOW_ONE_HOUR)).resolves.toEqual({
      aggregates: [],
      nextPageToken: '',
    });
    const badQuery = await failure(
      api().getAggregates({
        deviceId: '',
        sensorType: TEMP,
        customSensor: '',
        window: 9 as Window,
        pageSize: 0,
        pageToken: '',
      }),
    );
    expect(badQuery.code).toBe(status.INVALID_ARGUMENT);
    const badToken = await failure(
      api().listAggregates({
        sensorType: TEMP,
        customSensor: '',
        window: Window.WINDOW_ONE_HOUR,
        pageSize: 1,
        pageToken: 'x',
      }),
    );
    expect(badToken.code).toBe(status.INVALID_ARGUMENT);
  });

  it('keeps windows and known reading ids across a restart (and can run without the alert manager)', async () => {
    await restart({ FORWARD_TO_ALERT_MANAGER: 'false' });
    const before = alerts.calls.length;
    await expect(send(HOUR_READINGS.slice(0, 10))).resolves.toEqual({
      processedCount: 0,
      duplicateCount: 10,
      duplicateIndexes: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    expect(alerts.calls.length).toBe(before);
    const hour = await history('boiler-1', Window.WINDOW_ONE_HOUR);
    expect(hour.aggregates[0]).toMatchObject({ count: 601, max: 1000 });
  });

  it('counts a reading that ingestion accepted at its age limit seconds ago in every window, still open', async () => {
    // Stamped 1 ms before a 5-minute boundary: its minute and five minutes end there. Ingestion, with the
    // MAX_READING_AGE_MS set here, accepted it as the oldest it takes 3 s before the restart; forwarding
    // and ingestion's retries (up to DATA_PROCESSOR_DEADLINE_MS) took the time since.
    const at = Math.floor((Date.now() - 10 * 60_000) / 300_000) * 300_000 - 1;
    await restart({ MAX_READING_AGE_MS: String(Date.now() - 3_000 - at) });
    await expect(send([reading('e-1', 'edge-1', 7, at)])).resolves.toMatchObject({ processedCount: 1 });
    for (const window of [Window.WINDOW_ONE_MINUTE, Window.WINDOW_FIVE_MINUTES, Window.WINDOW_ONE_HOUR]) {
      const { aggregates } = await history('edge-1', window);
      expect(aggregates).toMatchObject([{ count: 1, max: 7, closed: false }]);
    }
  });

  it('reports a window closed once its readings are too old to be accepted, and keeps it as reported', async () => {
    // Readings at most an hour old: every window of the past hour BASE (2 h ago at least) is final.
    await restart({ MAX_READING_AGE_MS: String(HOUR_MS) });
    const hour = async () => (await history('boiler-1', Window.WINDOW_ONE_HOUR)).aggregates[0];
    expect(await hour()).toMatchObject({ count: 601, max: 1000, closed: true });
    await expect(send([reading('b1-late', 'boiler-1', 5000, BASE + 1_000)])).resolves.toMatchObject({
      processedCount: 1,
    });
    expect(await hour()).toMatchObject({ count: 601, max: 1000, closed: true });
  });
});
