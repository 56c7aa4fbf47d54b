import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { EvaluationCursor } from '../evaluation/domain/evaluated-reading.js';
import { quantityKey, type WatchedQuantity } from '../evaluation/domain/watched-quantity.js';
import { ConcurrentChangeError, type ChangeBatch, type EvaluationWrite } from './alert-store.port.js';
import { contractStore, rule } from './testing/store-contract.fixtures.js';

const at = (time: number): EvaluationCursor => ({
  readingTime: time,
  readingId: `r${time}`,
  earlierIdsAtTime: [],
});
const NOTHING: ChangeBatch = { writes: [], events: [], outbox: [] };
const temperature = (deviceId: string): WatchedQuantity => ({
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  customSensor: '',
});
const co2: WatchedQuantity = {
  deviceId: 'dev-1',
  sensorType: SensorType.SENSOR_TYPE_CUSTOM,
  customSensor: 'co2',
};
/** rule-a's evaluation of dev-1, its own cursor from `expectedCursor` to `cursor`. */
const byRule = (expectedCursor?: EvaluationCursor, cursor?: EvaluationCursor): EvaluationWrite => ({
  ruleId: 'rule-a',
  rule: rule('rule-a'),
  deviceId: 'dev-1',
  expectedCursor,
  cursor,
  changes: NOTHING,
});

// The cursor rules with nothing open share per device and quantity: compared and set like a rule's own.
describe.each(['sqlite', 'postgres'] as const)(
  'alert store contract on %s: shared cursors of watched quantities',
  (kind) => {
    const opened = contractStore(kind, 'alert_quantity_cursors');
    beforeAll(() => opened().insertRule(rule('rule-a')));

    it('moves a quantity cursor only from where it was read, with the rules it was judged by', async () => {
      const store = opened();
      const first = [{ quantity: temperature('dev-1'), expectedCursor: undefined, cursor: at(1) }];
      await store.applyEvaluations([byRule()], first);
      // Another replica that read it missing, or at where it was before, is a conflict: nothing written.
      await expect(store.applyEvaluations([byRule(undefined, at(2))], first)).rejects.toThrow(
        ConcurrentChangeError,
      );
      const stale = [{ quantity: temperature('dev-1'), expectedCursor: at(0), cursor: at(2) }];
      await expect(store.applyEvaluations([byRule()], stale)).rejects.toThrow(ConcurrentChangeError);
      await expect(store.findCursor('rule-a', 'dev-1')).resolves.toBeUndefined();

      await store.applyEvaluations(
        [byRule()],
        [
          { quantity: temperature('dev-1'), expectedCursor: at(1), cursor: at(3) },
          { quantity: co2, expectedCursor: undefined, cursor: at(7) },
        ],
      );
      const found = await store.findQuantityCursors([temperature('dev-1'), co2, temperature('dev-2')]);
      expect(Object.fromEntries(found)).toEqual({
        [quantityKey(temperature('dev-1'))]: at(3),
        [quantityKey(co2)]: at(7),
      });
    });

    it("deletes a rule's own cursor only from where it was read", async () => {
      const store = opened();
      await store.applyEvaluations([byRule(undefined, at(5))]);
      await expect(store.applyEvaluations([byRule(at(4), undefined)])).rejects.toThrow(ConcurrentChangeError);
      await expect(store.findCursor('rule-a', 'dev-1')).resolves.toEqual(at(5));
      await store.applyEvaluations([byRule(at(5), undefined)]);
      await expect(store.findCursor('rule-a', 'dev-1')).resolves.toBeUndefined();
      await expect(store.applyEvaluations([byRule(at(5), undefined)])).rejects.toThrow(ConcurrentChangeError);
    });

    it('prunes the quantity cursors moved last before the horizon', async () => {
      const store = opened();
      await store.applyEvaluations(
        [byRule()],
        [{ quantity: temperature('dev-3'), expectedCursor: undefined, cursor: at(2) }],
      );
      // dev-1's temperature is at 3, its co2 at 7, dev-3's temperature at 2.
      await expect(store.pruneIdleQuantityCursors(4, 1)).resolves.toBe(1);
      await expect(store.pruneIdleQuantityCursors(4, 5)).resolves.toBe(1);
      await expect(store.pruneIdleQuantityCursors(4, 5)).resolves.toBe(0);
      const kept = await store.findQuantityCursors([temperature('dev-1'), co2, temperature('dev-3')]);
      expect([...kept.keys()]).toEqual([quantityKey(co2)]);
    });
  },
);
