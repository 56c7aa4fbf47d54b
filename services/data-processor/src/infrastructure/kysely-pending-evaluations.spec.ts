import { createDatabase, migrateToLatest } from '@iot-mesh/storage';
import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Kysely } from 'kysely';
import { KyselyPendingEvaluations } from './kysely-pending-evaluations.js';
import { processorMigrations } from './processor.migrations.js';
import type { ProcessorDatabase } from './processor.schema.js';

const T0 = Date.UTC(2026, 0, 15, 10) / 1000;
let made = 0;
const reading = (deviceId: string, overrides: Partial<Reading> = {}): Reading => ({
  readingId: `p-${++made}`,
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 21.5,
  unit: 'celsius',
  timestamp: { seconds: T0 + made, nanos: 0 },
  customSensor: '',
  ...overrides,
});

describe.each(DATABASE_KINDS)('pending evaluations on %s', (kind) => {
  const opened = freshStore(kind, 'processor_pending', async (settings) => {
    const db = createDatabase<ProcessorDatabase>(settings);
    await migrateToLatest(db as Kysely<unknown>, processorMigrations(settings.kind));
    return { db, pending: new KyselyPendingEvaluations(db), close: () => db.destroy() };
  });
  const pending = () => opened().pending;
  const ids = (found: { reading: Reading }[]) => found.map((p) => p.reading.readingId);
  afterEach(async () => {
    await opened().db.deleteFrom('pending_evaluations').execute();
  });

  it('gives readings back exactly as queued, oldest first', async () => {
    const queued = [
      reading('a', { value: -1e-300, timestamp: { seconds: T0, nanos: 123_456_789 } }),
      reading('a', {
        sensorType: SensorType.SENSOR_TYPE_CUSTOM,
        customSensor: 'co₂ 😀',
        unit: '',
        value: 1e100,
      }),
      reading('b', { timestamp: { seconds: -62_135_596_800, nanos: 0 }, value: 0 }),
    ];
    await expect(pending().add(queued, 10)).resolves.toBe(true);
    await expect(pending().add([reading('c')], 10)).resolves.toBe(true);
    const found = await pending().oldest(3);
    expect(found.map((p) => p.reading)).toEqual(queued);
    expect(found.map((p) => p.sequence)).toEqual([...found.map((p) => p.sequence)].sort((x, y) => x - y));
  });

  it('finds the oldest pending readings of some devices, however many devices are asked for', async () => {
    await pending().add([reading('a'), reading('b'), reading('a'), reading('c')], 10);
    const [a1, , a2, c1] = ids(await pending().oldest(4));
    await expect(pending().oldestOf(['c', 'a', 'none'], 10).then(ids)).resolves.toEqual([a1, a2, c1]);
    await expect(pending().oldestOf(['a', 'c'], 2).then(ids)).resolves.toEqual([a1, a2]);
    // More devices than one statement takes, the oldest readings' devices at the end of the list.
    const many = [...Array.from({ length: 600 }, (_, i) => `other-${i}`), 'c', 'a'];
    await expect(pending().oldestOf(many, 2).then(ids)).resolves.toEqual([a1, a2]);
  });

  it('counts pending readings by device', async () => {
    await pending().add([reading('a'), reading('b'), reading('a')], 10);
    await expect(pending().countByDevice()).resolves.toEqual(
      new Map([
        ['a', 2],
        ['b', 1],
      ]),
    );
  });

  it('queues all of a call or, beyond the bound, none of it', async () => {
    await expect(pending().add([reading('a'), reading('a'), reading('a')], 4)).resolves.toBe(true);
    await expect(pending().add([reading('a'), reading('a')], 4)).resolves.toBe(false);
    await expect(pending().add([reading('a')], 4)).resolves.toBe(true);
    await expect(pending().oldest(10)).resolves.toHaveLength(4);
    await expect(pending().add([reading('a')], 4)).resolves.toBe(false);
  });

  it('removes delivered readings and never hands a removed one’s sequence out again', async () => {
    await pending().add([reading('a'), reading('a')], 10);
    const [first, second] = await pending().oldest(2);
    await pending().remove([second.sequence, second.sequence + 1_000]);
    await pending().add([reading('a')], 10);
    const [kept, added] = await pending().oldest(10);
    expect(kept).toEqual(first);
    // Reused, a delivery holding the old number would remove this undelivered reading.
    expect(added.sequence).toBeGreaterThan(second.sequence);
  });
  it('sets a reading aside once: kept with its failed time, and no longer pending to any query', async () => {
    await pending().add([reading('a'), reading('a'), reading('b')], 3);
    const [a1, a2, b1] = await pending().oldest(3);
    await expect(pending().markFailed(a1.sequence, 1_700_000_000_123)).resolves.toBe(true);
    await expect(pending().markFailed(a1.sequence, 1_700_000_000_999)).resolves.toBe(false);
    await expect(pending().markFailed(b1.sequence + 1_000, 1)).resolves.toBe(false);

    await expect(pending().oldest(10)).resolves.toEqual([a2, b1]);
    await expect(pending().oldestOf(['a', 'b'], 1)).resolves.toEqual([a2]);
    await expect(pending().countByDevice()).resolves.toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
      ]),
    );
    // Two pending of at most three: room for one more, the one set aside not counted.
    await expect(pending().add([reading('c'), reading('c')], 3)).resolves.toBe(false);
    await expect(pending().add([reading('c')], 3)).resolves.toBe(true);
    const rows = await opened()
      .db.selectFrom('pending_evaluations')
      .select(['sequence', 'failed_time'])
      .where('failed_time', 'is not', null)
      .execute();
    expect(rows.map((row) => [Number(row.sequence), Number(row.failed_time)])).toEqual([
      [a1.sequence, 1_700_000_000_123],
    ]);
    // A device with nothing but readings set aside has none pending.
    await pending().remove([b1.sequence]);
    await pending().markFailed(a2.sequence, 1);
    await expect(pending().oldestOf(['a', 'b'], 10)).resolves.toEqual([]);
    await expect(pending().countByDevice()).resolves.toEqual(new Map([['c', 1]]));
  });
});
