import { ValidationError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { AlertEventType, AlertState } from '../alerts/domain/alert.js';
import { Severity } from './domain/rule.js';
import type { AlertManagerConfig } from '../config.js';
import type { CommitNotice } from '../infrastructure/alert-store.port.js';
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

describe('rules service: custom quantities and edits', () => {
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
  /** What the store commits from now on. */
  const commitsFrom = (): CommitNotice[] => {
    const commits: CommitNotice[] = [];
    opened().onCommit((notice) => commits.push(notice));
    return commits;
  };
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

  it('judges open alerts again by their last value when the condition changes: resolved now if it no longer holds', async () => {
    // An alert at 41.5 over 40.25; raised to 45, the value is back by more than the hysteresis (1.5).
    const hot = await service.create(fields({ name: 'Hot', thresholdHigh: 40.25, forDurationMs: 0 }));
    await opened().applyChanges(firing(alert('a-hot', { ruleId: hot.id, value: 41.5 }), null));
    const before = await opened().lastEventSequence();
    const commits = commitsFrom();
    await service.update(hot.id, fields({ thresholdHigh: 45 }), ['threshold_high']);
    // Announced: it had fired.
    expect(commits.at(-1)).toEqual({ eventTypes: [AlertEventType.ALERT_EVENT_TYPE_RESOLVED], outbox: true });
    await expect(opened().findOpenAlert(hot.id, 'dev-1')).resolves.toBeUndefined();
    await expect(opened().findAlert('a-hot')).resolves.toMatchObject({ resolveTime: 5_000 });
    const events = await opened().listEvents(before, { ruleId: hot.id }, 10);
    expect(events.map((e) => [e.type, e.alert.state])).toEqual([
      [AlertEventType.ALERT_EVENT_TYPE_RESOLVED, AlertState.ALERT_STATE_RESOLVED],
    ]);
  });

  it('keeps an open alert its value still holds, with the new severity and summary: an UPDATED event, no notification', async () => {
    const warm = await service.create(fields({ name: 'Warm', thresholdHigh: 40.25 }));
    await opened().applyChanges(firing(alert('a-warm', { ruleId: warm.id, value: 41.5 }), null));
    const before = await opened().lastEventSequence();
    const commits = commitsFrom();
    await service.update(warm.id, fields({ thresholdHigh: 41, severity: Severity.SEVERITY_CRITICAL }), [
      'threshold_high',
      'severity',
    ]);
    const revised = {
      id: 'a-warm',
      state: AlertState.ALERT_STATE_FIRING,
      severity: Severity.SEVERITY_CRITICAL,
      summary: 'Warm: temperature outside [-10.5, 41] on dev-1',
      updateTime: 5_000,
    };
    await expect(opened().findOpenAlert(warm.id, 'dev-1')).resolves.toMatchObject(revised);
    expect(commits.at(-1)).toEqual({ eventTypes: [AlertEventType.ALERT_EVENT_TYPE_UPDATED], outbox: false });
    // A watcher filtering on the new severity sees it.
    const events = await opened().listEvents(before, { severity: Severity.SEVERITY_CRITICAL }, 10);
    expect(events).toEqual([
      expect.objectContaining({ type: AlertEventType.ALERT_EVENT_TYPE_UPDATED, eventTime: 5_000 }),
    ]);
    expect(events[0].alert).toMatchObject(revised);
  });

  it('resolves a pending alert the new condition no longer holds, without announcing it', async () => {
    const cold = await service.create(fields({ name: 'Cold' }));
    const pending = alert('a-cold', { ruleId: cold.id, value: -11, state: AlertState.ALERT_STATE_PENDING });
    await opened().applyChanges(firing({ ...pending, fireTime: null }, null));
    const commits = commitsFrom();
    await service.update(cold.id, fields({ threshold: -12 }), ['threshold']);
    expect(commits.at(-1)).toEqual({ eventTypes: [AlertEventType.ALERT_EVENT_TYPE_RESOLVED], outbox: false });
    await expect(opened().findAlert('a-cold')).resolves.toMatchObject({
      state: AlertState.ALERT_STATE_RESOLVED,
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
