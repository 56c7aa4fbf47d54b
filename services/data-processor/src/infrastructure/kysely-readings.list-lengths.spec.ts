import { DATABASE_KINDS, freshStore } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Window, windowEnd, type WindowKey } from '../aggregates/domain/window.js';
import type { WindowAggregate } from '../aggregates/domain/window-aggregate.js';
import { QuantileSketch } from '../aggregates/domain/quantile-sketch.js';
import { reading } from '../../test/readings.fixture.js';
import { KyselyProcessorStore } from './kysely-processor.store.js';

const T0 = Date.UTC(2026, 0, 15, 10);
// Around the lengths where a list is cut into statements of other lengths (SizedQueryCache), and the
// 200-window and 500-reading chunks of a call.
const LENGTHS = [31, 32, 33, 49, 50, 51, 199, 200, 201, 499, 500, 501];

const keyOf = (deviceId: string): WindowKey => ({
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
  window: Window.WINDOW_ONE_MINUTE,
  startTime: T0,
});
const windowOf = (key: WindowKey, count: number): WindowAggregate => ({
  ...key,
  endTime: windowEnd(key),
  count,
  min: 1,
  max: 1,
  sum: count,
  sumCompensation: 0,
  sketch: QuantileSketch.empty().toBytes(),
});

describe.each(DATABASE_KINDS)('a call’s lists of every length, on %s', (kind) => {
  const opened = freshStore(kind, 'processor_list_lengths', (settings) =>
    KyselyProcessorStore.open(settings),
  );

  it.each(LENGTHS)(
    'records, finds and writes each of %i readings and windows exactly once',
    async (length) => {
      const store = opened();
      const devices = Array.from({ length }, (_, i) => `len${length}-d${i}`);
      const refs = devices.map((deviceId) => ({ deviceId, readingId: 'r' }));
      // A queued device first and one last, so that both the first and the last statement find theirs.
      const queued = [devices[0], devices[length - 1]];
      await store.pendingEvaluations.add(
        queued.map((deviceId) => reading(`queued-${length}`, deviceId, 1, T0)),
        10_000,
      );

      const odd = refs.filter((_, i) => i % 2 === 1);
      await expect(store.inTransaction((tx) => tx.recordNewReadings(odd, T0))).resolves.toHaveLength(
        odd.length,
      );
      const firstCall = await store.inTransaction(async (tx) => ({
        // Some known: the inserts are made again, returning the new rows.
        recorded: await tx.recordNewReadings(refs, T0),
        pending: await tx.devicesWithPendingEvaluations(),
        contents: await tx.storedContents(refs),
        before: await tx.lockWindows(devices.map(keyOf)),
      }));
      expect(firstCall.recorded.map((r) => r.deviceId).sort()).toEqual(
        refs
          .filter((_, i) => i % 2 === 0)
          .map((r) => r.deviceId)
          .sort(),
      );
      expect([...firstCall.pending].sort()).toEqual([...queued].sort());
      expect(firstCall.contents.size).toBe(length);
      expect(firstCall.before.size).toBe(0);
      await expect(store.inTransaction((tx) => tx.recordNewReadings(refs, T0))).resolves.toEqual([]);

      await store.inTransaction(async (tx) => {
        await tx.lockWindows(devices.map(keyOf));
        await tx.saveWindows(devices.map((deviceId, i) => windowOf(keyOf(deviceId), i + 1)));
      });
      const stored = await store.inTransaction((tx) => tx.lockWindows(devices.map(keyOf)));
      expect([...stored.values()].map((w) => `${w.deviceId}:${w.count}`).sort()).toEqual(
        devices.map((deviceId, i) => `${deviceId}:${i + 1}`).sort(),
      );
    },
  );
});
