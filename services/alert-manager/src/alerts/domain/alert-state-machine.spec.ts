import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Operator, Severity, type Rule } from '../../rules/domain/rule.js';
import { AlertEventType, AlertState, type Alert } from './alert.js';
import {
  acknowledge,
  closeForDecommissionedDevice,
  closeForRuleChange,
  reviseForRuleChange,
  stepAlert,
  type Step,
} from './alert-state-machine.js';

const rule = aRule;
const context = { now: 5_000_000, newAlertId: () => 'alert-new' };
const T0 = 1_000_000;

/** Feeds [value, time] pairs through the machine, returning every step. */
function run(r: Rule, readings: [number, number][], open?: Alert): Step[] {
  let current = open;
  return readings.map(([value, time]) => {
    const step = stepAlert(r, 'dev-1', current, { value, time }, context);
    if (step.kind !== 'idle')
      current = step.alert.state === AlertState.ALERT_STATE_RESOLVED ? undefined : step.alert;
    return step;
  });
}
const kinds = (steps: Step[]) =>
  steps.map((s) => (s.kind === 'change' ? AlertEventType[s.event].replace('ALERT_EVENT_TYPE_', '') : s.kind));

describe('alert state machine', () => {
  it('fires at once without a for_duration and announces it', () => {
    const [step] = run(rule(), [[31, T0]]);
    expect(step).toMatchObject({
      kind: 'change',
      event: AlertEventType.ALERT_EVENT_TYPE_FIRING,
      notify: 'FIRING',
      alert: {
        id: 'alert-new',
        ruleId: 'rule-1',
        deviceId: 'dev-1',
        state: AlertState.ALERT_STATE_FIRING,
        severity: Severity.SEVERITY_WARNING,
        value: 31,
        startTime: T0,
        fireTime: T0,
        resolveTime: null,
        updateTime: context.now,
        summary: 'Too hot: temperature > 30 on dev-1',
      },
    });
  });

  it("opens a custom rule's alert with its custom quantity, named in the summary", () => {
    const co2 = rule({
      name: 'Stuffy',
      sensorType: SensorType.SENSOR_TYPE_CUSTOM,
      customSensor: 'co2',
      threshold: 1000,
    });
    const [step] = run(co2, [[1200, T0]]);
    expect(step).toMatchObject({
      kind: 'change',
      alert: {
        sensorType: SensorType.SENSOR_TYPE_CUSTOM,
        customSensor: 'co2',
        summary: 'Stuffy: co2 > 1000 on dev-1',
      },
    });
  });

  it('stays idle while values are normal', () => {
    expect(
      kinds(
        run(rule(), [
          [30, T0],
          [12, T0 + 1],
        ]),
      ),
    ).toEqual(['idle', 'idle']);
  });

  it('goes pending first and fires once the breach lasted for_duration, by reading times', () => {
    const steps = run(rule({ forDurationMs: 60_000 }), [
      [31, T0],
      [35, T0 + 30_000],
      [33, T0 + 59_999],
      [32, T0 + 60_000],
      [40, T0 + 90_000],
    ]);
    expect(kinds(steps)).toEqual(['PENDING', 'hold', 'hold', 'FIRING', 'hold']);
    expect(steps[0]).toMatchObject({
      notify: null,
      alert: { state: AlertState.ALERT_STATE_PENDING, fireTime: null },
    });
    expect(steps[3]).toMatchObject({
      notify: 'FIRING',
      alert: { startTime: T0, fireTime: T0 + 60_000, value: 32 },
    });
    expect(steps[4]).toMatchObject({ alert: { value: 40, state: AlertState.ALERT_STATE_FIRING } });
  });

  it('resolves a pending alert quietly when the breach ends early', () => {
    const steps = run(rule({ forDurationMs: 60_000 }), [
      [31, T0],
      [29, T0 + 10_000],
      [31, T0 + 20_000],
    ]);
    expect(kinds(steps)).toEqual(['PENDING', 'RESOLVED', 'PENDING']);
    expect(steps[1]).toMatchObject({
      notify: null,
      alert: { state: AlertState.ALERT_STATE_RESOLVED, resolveTime: T0 + 10_000 },
    });
  });

  it('keeps firing inside the hysteresis band and resolves beyond it', () => {
    const steps = run(rule({ hysteresis: 2 }), [
      [31, T0],
      [29, T0 + 1],
      [28.5, T0 + 2],
      [31, T0 + 3],
      [28, T0 + 4],
    ]);
    expect(kinds(steps)).toEqual(['FIRING', 'hold', 'hold', 'hold', 'RESOLVED']);
    expect(steps[4]).toMatchObject({
      notify: 'RESOLVED',
      alert: { value: 28, resolveTime: T0 + 4, fireTime: T0 },
    });
  });

  it('a pending alert ignores hysteresis: it never fired, so there is nothing to flap', () => {
    expect(
      kinds(
        run(rule({ hysteresis: 5, forDurationMs: 1_000 }), [
          [31, T0],
          [29.9, T0 + 1],
        ]),
      ),
    ).toEqual(['PENDING', 'RESOLVED']);
  });

  it('handles range operators', () => {
    const outside = rule({
      operator: Operator.OPERATOR_OUTSIDE_RANGE,
      threshold: 20,
      thresholdHigh: 60,
      hysteresis: 1,
    });
    expect(
      kinds(
        run(outside, [
          [50, T0],
          [61, T0 + 1],
          [60.5, T0 + 2],
          [59, T0 + 3],
          [10, T0 + 4],
        ]),
      ),
    ).toEqual(['idle', 'FIRING', 'hold', 'RESOLVED', 'FIRING']);
    const inside = rule({ operator: Operator.OPERATOR_INSIDE_RANGE, threshold: 20, thresholdHigh: 60 });
    expect(
      kinds(
        run(inside, [
          [10, T0],
          [20, T0 + 1],
          [61, T0 + 2],
        ]),
      ),
    ).toEqual(['idle', 'FIRING', 'RESOLVED']);
  });

  it('takes the current severity of the rule on each step, an UPDATED event when it changed', () => {
    const [first] = run(rule(), [[31, T0]]);
    const open = (first as { alert: Alert }).alert;
    const [next, same] = run(
      rule({ severity: Severity.SEVERITY_CRITICAL }),
      [
        [32, T0 + 1],
        [33, T0 + 2],
      ],
      open,
    );
    expect(next).toMatchObject({
      kind: 'change',
      event: AlertEventType.ALERT_EVENT_TYPE_UPDATED,
      notify: null,
      alert: { state: AlertState.ALERT_STATE_FIRING, severity: Severity.SEVERITY_CRITICAL, value: 32 },
    });
    expect(same).toMatchObject({ kind: 'hold', alert: { value: 33 } });
  });

  it('revises an open alert for an edited rule: UPDATED for a new severity or summary, never announced', () => {
    const [firing] = run(rule(), [[31, T0]]);
    const [pending] = run(rule({ forDurationMs: 1_000 }), [[31, T0]]);
    for (const open of [firing, pending].map((step) => (step as { alert: Alert }).alert)) {
      expect(reviseForRuleChange(rule({ severity: Severity.SEVERITY_CRITICAL }), open, 9)).toEqual({
        kind: 'change',
        event: AlertEventType.ALERT_EVENT_TYPE_UPDATED,
        notify: null,
        alert: { ...open, severity: Severity.SEVERITY_CRITICAL, updateTime: 9 },
      });
      expect(reviseForRuleChange(rule({ name: 'Hot' }), open, 9)).toMatchObject({
        kind: 'change',
        event: AlertEventType.ALERT_EVENT_TYPE_UPDATED,
        notify: null,
        alert: { state: open.state, summary: 'Hot: temperature > 30 on dev-1' },
      });
      expect(reviseForRuleChange(rule({ hysteresis: 0.5 }), open, 9)).toEqual({ kind: 'idle' });
    }
  });

  it('acknowledges once', () => {
    const [first] = run(rule(), [[31, T0]]);
    const open = (first as { alert: Alert }).alert;
    const acked = acknowledge(open, 'ops@example.com', 7);
    expect(acked).toMatchObject({
      kind: 'change',
      event: AlertEventType.ALERT_EVENT_TYPE_ACKNOWLEDGED,
      notify: null,
      alert: {
        acknowledged: true,
        acknowledgedBy: 'ops@example.com',
        acknowledgeTime: 7,
        state: AlertState.ALERT_STATE_FIRING,
      },
    });
    expect(acknowledge((acked as { alert: Alert }).alert, 'someone else', 8)).toMatchObject({
      kind: 'hold',
      alert: { acknowledgedBy: 'ops@example.com' },
    });
  });

  it('closes open alerts when their rule goes away, announcing only those that fired', () => {
    const [firing] = run(rule(), [[31, T0]]);
    const [pending] = run(rule({ forDurationMs: 1_000 }), [[31, T0]]);
    expect(closeForRuleChange((firing as { alert: Alert }).alert, 9)).toMatchObject({
      notify: 'RESOLVED',
      alert: { state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 9 },
    });
    expect(closeForRuleChange((pending as { alert: Alert }).alert, 9)).toMatchObject({ notify: null });
  });

  it("closes a decommissioned device's open alerts, saying why and announcing only those that fired", () => {
    const [firing] = run(rule(), [[31, T0]]);
    const [pending] = run(rule({ forDurationMs: 1_000 }), [[31, T0]]);
    const summary = 'Too hot: temperature > 30 on dev-1 (device decommissioned)';
    expect(closeForDecommissionedDevice((firing as { alert: Alert }).alert, 9)).toMatchObject({
      event: AlertEventType.ALERT_EVENT_TYPE_RESOLVED,
      notify: 'RESOLVED',
      alert: { state: AlertState.ALERT_STATE_RESOLVED, resolveTime: 9, updateTime: 9, summary },
    });
    expect(closeForDecommissionedDevice((pending as { alert: Alert }).alert, 9)).toMatchObject({
      event: AlertEventType.ALERT_EVENT_TYPE_RESOLVED,
      notify: null,
      alert: { state: AlertState.ALERT_STATE_RESOLVED, summary },
    });
  });
});
