import { createDatabase, migrateToLatest, type StorageSettings } from '@iot-mesh/storage';
import { freshStore } from '@iot-mesh/storage/testing';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { Kysely } from 'kysely';
import type { AlertDatabase } from './alert.schema.js';
import { alertToRow, eventToRow, ruleToRow } from './alert-rows.js';
import { ConcurrentChangeError } from './alert-store.port.js';
import { KyselyAlertStore } from './kysely-alert.store.js';
import { AlertEventType } from '../alerts/domain/alert.js';
import { alert, contractStore, firing, migrationsBefore, rule } from './testing/store-contract.fixtures.js';

const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;

/** The tables as migration 0002 left them, before rules and alerts had a custom quantity. */
type Before0003 = Omit<AlertDatabase, 'rules' | 'alerts'> & {
  rules: Omit<AlertDatabase['rules'], 'custom_sensor'>;
  alerts: Omit<AlertDatabase['alerts'], 'custom_sensor'>;
};

const legacyRule = rule('rule-legacy', { sensorType: CUSTOM, scope: { kind: 'all_devices' } });
const legacyAlert = alert('a-legacy', { ruleId: 'rule-legacy', sensorType: CUSTOM });

/** A database migrated up to 0002 holding a custom rule, its alert and an event, then opened (migrated to latest). */
async function openAfterLegacyRows(settings: StorageSettings): Promise<KyselyAlertStore> {
  const db = createDatabase<Before0003>(settings);
  await migrateToLatest(db as Kysely<unknown>, migrationsBefore(settings.kind, '0003_custom_sensor'));
  const { custom_sensor: _r, ...ruleRow } = ruleToRow(legacyRule);
  const { custom_sensor: _a, ...alertRow } = alertToRow(legacyAlert, 1);
  const { customSensor: _e, ...eventAlert } = legacyAlert;
  const event = eventToRow({ type: AlertEventType.ALERT_EVENT_TYPE_FIRING, alert: legacyAlert, time: 3_000 });
  await db.insertInto('rules').values(ruleRow).execute();
  await db.insertInto('alerts').values(alertRow).execute();
  await db
    .insertInto('alert_events')
    .values({ ...event, alert: JSON.stringify(eventAlert) })
    .execute();
  await db.destroy();
  return KyselyAlertStore.open(settings);
}

describe.each(['sqlite', 'postgres'] as const)('alert store contract on %s: custom quantities', (kind) => {
  describe('on a fresh database', () => {
    const opened = contractStore(kind, 'alert_custom');
    const store = () => opened();

    it("keeps a rule's custom quantity and filters rules by it", async () => {
      const co2 = rule('rule-co2', { sensorType: CUSTOM, customSensor: 'co2' });
      await store().insertRule(co2);
      await store().insertRule(rule('rule-noise', { sensorType: CUSTOM, customSensor: 'noise' }));
      await store().insertRule(rule('rule-any', { sensorType: CUSTOM }));
      await store().insertRule(rule('rule-temp'));
      await expect(store().findRule('rule-co2')).resolves.toEqual(co2);
      await expect(store().findRule('rule-any')).resolves.toMatchObject({ customSensor: '' });
      const ids = async (filter: Parameters<KyselyAlertStore['listRules']>[0]) =>
        (await store().listRules(filter, undefined, 10)).map((r) => r.id);
      await expect(ids({ sensorType: CUSTOM, customSensor: 'co2' })).resolves.toEqual(['rule-co2']);
      await expect(ids({ sensorType: CUSTOM, customSensor: 'CO2' })).resolves.toEqual([]);
      await expect(ids({ sensorType: CUSTOM })).resolves.toEqual(['rule-any', 'rule-co2', 'rule-noise']);
      await store().changeRule(co2.id, (current) => ({ rule: { ...current, customSensor: 'voc' } }));
      await expect(store().findRule('rule-co2')).resolves.toEqual({ ...co2, customSensor: 'voc' });
    });

    it("keeps an alert's custom quantity in the alert row and in its events", async () => {
      const a = alert('a-noise', { ruleId: 'rule-noise', sensorType: CUSTOM, customSensor: 'noise' });
      await store().applyChanges(firing(a, null));
      await expect(store().findAlert('a-noise')).resolves.toEqual({ ...a, revision: 1 });
      await expect(store().findOpenAlert('rule-noise', 'dev-1')).resolves.toEqual({ ...a, revision: 1 });
      await expect(store().listAlerts({ ruleId: 'rule-noise' }, undefined, 10)).resolves.toEqual([
        { ...a, revision: 1 },
      ]);
      expect((await store().listEvents(0, { ruleId: 'rule-noise' }, 10)).map((e) => e.alert)).toEqual([a]);
    });

    it('refuses to open alerts for a rule evaluated with another custom quantity than it now has', async () => {
      const evaluated = rule('rule-moved', { sensorType: CUSTOM, customSensor: 'co2' });
      await store().insertRule({ ...evaluated, customSensor: 'voc' });
      const write = store().applyEvaluations([
        {
          ruleId: 'rule-moved',
          rule: evaluated,
          deviceId: 'dev-1',
          expectedCursor: undefined,
          cursor: { readingTime: 1, readingId: 'r', earlierIdsAtTime: [] },
          changes: firing(alert('a-moved', { ruleId: 'rule-moved', customSensor: 'co2' }), null),
        },
      ]);
      await expect(write).rejects.toThrow(ConcurrentChangeError);
      await expect(store().findAlert('a-moved')).resolves.toBeUndefined();
    });
  });

  describe('migrating a database from before custom quantities', () => {
    const opened = freshStore(kind, 'alert_custom_migration', openAfterLegacyRows);

    it("reads '' as the custom quantity of the rules, alerts and events written before", async () => {
      const store = opened();
      await expect(store.findRule('rule-legacy')).resolves.toEqual({ ...legacyRule, customSensor: '' });
      await expect(store.listEnabledRules([CUSTOM])).resolves.toEqual([legacyRule]);
      await expect(store.findAlert('a-legacy')).resolves.toEqual({
        ...legacyAlert,
        customSensor: '',
        revision: 1,
      });
      const [event] = await store.listEvents(0, {}, 10);
      expect(event.alert).toEqual({ ...legacyAlert, customSensor: '' });
    });
  });
});
