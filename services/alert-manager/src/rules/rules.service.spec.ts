import { ValidationError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { AlertManagerConfig } from '../config.js';
import { alert, contractStore, firing, rule } from '../infrastructure/testing/store-contract.fixtures.js';
import type { RuleFields } from './domain/rule.js';
import { EnabledRulesCache } from './enabled-rules.cache.js';
import { RulesService } from './rules.service.js';

const CUSTOM = SensorType.SENSOR_TYPE_CUSTOM;
const config = { alertChannels: { channels: ['log'], emailTo: '' } } as unknown as AlertManagerConfig;

/** The ValidationError's violations as [field, reason], or the error itself if it is another one. */
async function violationsOf(attempt: Promise<unknown>): Promise<unknown> {
  const error = await attempt.then(
    () => new Error('resolved'),
    (e: unknown) => e,
  );
  return error instanceof ValidationError ? error.violations.map((v) => [v.field, v.reason]) : error;
}

describe('rules service: custom quantities', () => {
  const opened = contractStore('sqlite', 'rules_service');
  let service: RulesService;
  beforeAll(() => {
    const store = opened();
    service = new RulesService(
      store,
      config,
      () => 5_000,
      new EnabledRulesCache(
        () => Promise.resolve([]),
        0,
        () => 0,
      ),
    );
  });
  const fields = (changes: Partial<RuleFields>): RuleFields => {
    const { id: _id, createTime: _c, updateTime: _u, ...rest } = rule('x', changes);
    return rest;
  };

  it('asks a custom rule stored without a name for one on update, and takes it', async () => {
    const legacy = rule('rule-legacy', {
      sensorType: CUSTOM,
      customSensor: '',
      threshold: 1000,
      thresholdHigh: 2000,
    });
    await opened().insertRule(legacy);
    await expect(
      violationsOf(service.update(legacy.id, fields({ threshold: 900 }), ['threshold'])),
    ).resolves.toEqual([['custom_sensor', 'RULE.CUSTOM_SENSOR_REQUIRED']]);
    const named = await service.update(legacy.id, fields({ customSensor: 'co2', threshold: 900 }), [
      'custom_sensor',
      'threshold',
    ]);
    expect(named).toMatchObject({ customSensor: 'co2', threshold: 900 });
    await expect(service.get(legacy.id)).resolves.toMatchObject({ customSensor: 'co2', threshold: 900 });
  });

  it('checks the merged rule: leaving CUSTOM needs the name cleared too', async () => {
    const co2 = await service.create(fields({ sensorType: CUSTOM, customSensor: 'co2' }));
    const temperature = fields({ sensorType: SensorType.SENSOR_TYPE_TEMPERATURE, customSensor: '' });
    await expect(violationsOf(service.update(co2.id, temperature, ['sensor_type']))).resolves.toEqual([
      ['custom_sensor', 'RULE.CUSTOM_SENSOR_UNEXPECTED'],
    ]);
    await expect(
      service.update(co2.id, temperature, ['sensor_type', 'custom_sensor']),
    ).resolves.toMatchObject({
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      customSensor: '',
    });
  });

  it('resolves the open alerts of a rule whose custom quantity changes', async () => {
    const co2 = await service.create(fields({ sensorType: CUSTOM, customSensor: 'co2' }));
    await opened().applyChanges(firing(alert('a-co2', { ruleId: co2.id, customSensor: 'co2' }), null));
    await service.update(co2.id, fields({ customSensor: 'voc' }), ['custom_sensor']);
    await expect(opened().findOpenAlert(co2.id, 'dev-1')).resolves.toBeUndefined();
    await expect(opened().findAlert('a-co2')).resolves.toMatchObject({
      customSensor: 'co2',
      resolveTime: 5_000,
    });
  });

  it('lists the rules of one custom quantity, with page tokens tied to it', async () => {
    const made = [];
    for (const name of ['noise', 'noise', 'dust']) {
      made.push(await service.create(fields({ sensorType: CUSTOM, customSensor: name })));
    }
    const noise = { sensorType: CUSTOM, customSensor: 'noise' };
    const first = await service.list(noise, 1, '');
    const second = await service.list(noise, 1, first.nextPageToken);
    expect([...first.rules, ...second.rules].map((r) => r.id).sort()).toEqual(
      made
        .slice(0, 2)
        .map((r) => r.id)
        .sort(),
    );
    expect(second.nextPageToken).toBe('');
    await expect(
      violationsOf(service.list({ sensorType: CUSTOM, customSensor: 'dust' }, 1, first.nextPageToken)),
    ).resolves.toEqual([['page_token', 'PAGE_TOKEN.INVALID']]);
  });
});
