import { aRule } from '../../rules/domain/testing/rule.fixture.js';
import { aReading } from './testing/reading.fixture.js';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { AlertEventType, AlertState, type StoredAlert } from '../../alerts/domain/alert.js';
import { Severity, type Rule } from '../../rules/domain/rule.js';
import { CursorWalk, MAX_IDS_AT_TIME, type EvaluationCursor } from './evaluated-reading.js';
import { planEvaluation } from './evaluation-plan.js';

const rule: Rule = aRule();
const reading = aReading;
let ids = 0;
const context = () => ({ now: 99, newAlertId: () => `alert-${++ids}` });
const eventTypes = (plan: ReturnType<typeof planEvaluation>) =>
  plan.changes.events.map((e) => AlertEventType[e.type]);

describe('evaluation plan', () => {
  it('evaluates in reading time order and moves the cursor to the last reading', () => {
    const plan = planEvaluation(
      {
        rule,
        deviceId: 'dev-1',
        open: undefined,
        cursor: undefined,
        readings: [reading('b', 20, 2), reading('a', 40, 1)],
      },
      context(),
    );
    expect(eventTypes(plan)).toEqual(['ALERT_EVENT_TYPE_FIRING', 'ALERT_EVENT_TYPE_RESOLVED']);
    expect(plan.cursor).toEqual({ readingTime: 2, readingId: 'b', earlierIdsAtTime: [] });
    expect(plan.changes.notices.map((n) => n.transition)).toEqual(['FIRING', 'RESOLVED']);
    // One write per alert (its final state), new so without an expected revision.
    expect(plan.changes.writes).toEqual([
      {
        alert: expect.objectContaining({ state: AlertState.ALERT_STATE_RESOLVED }) as unknown,
        expectedRevision: null,
      },
    ]);
    expect(plan.changedAlerts).toHaveLength(1);
  });

  it('skips readings at or before the cursor, so a retried batch changes nothing', () => {
    const batch = [reading('a', 40, 1), reading('b', 20, 2)];
    const plan = planEvaluation(
      {
        rule,
        deviceId: 'dev-1',
        open: undefined,
        cursor: { readingTime: 2, readingId: 'b', earlierIdsAtTime: [] },
        readings: batch,
      },
      context(),
    );
    expect(plan.cursor).toBeUndefined();
    expect(plan.changes).toEqual({ writes: [], events: [], notices: [] });
  });

  it('evaluates readings of one time in the order they were sent, whatever their ids', () => {
    // A device with a one-second clock: r-10 follows r-9, though "r-10" sorts before "r-9".
    const later = planEvaluation(
      {
        rule,
        deviceId: 'dev-1',
        open: undefined,
        cursor: { readingTime: 5, readingId: 'r-9', earlierIdsAtTime: [] },
        readings: [reading('r-10', 75, 5)],
      },
      context(),
    );
    expect(eventTypes(later)).toEqual(['ALERT_EVENT_TYPE_FIRING']);
    expect(later.cursor).toEqual({ readingTime: 5, readingId: 'r-10', earlierIdsAtTime: ['r-9'] });

    const batch = [reading('s-8', 20, 5), reading('s-9', 20, 5), reading('s-10', 75, 5)];
    const plan = planEvaluation(
      { rule, deviceId: 'dev-1', open: undefined, cursor: undefined, readings: batch },
      context(),
    );
    // The breaching reading was sent last, so the alert stays firing.
    expect(eventTypes(plan)).toEqual(['ALERT_EVENT_TYPE_FIRING']);
    expect(plan.changedAlerts.map((a) => a.state)).toEqual([AlertState.ALERT_STATE_FIRING]);
    expect(plan.cursor).toEqual({ readingTime: 5, readingId: 's-10', earlierIdsAtTime: ['s-8', 's-9'] });

    // Retried, the same batch changes nothing.
    const retry = planEvaluation(
      { rule, deviceId: 'dev-1', open: undefined, cursor: plan.cursor, readings: batch },
      context(),
    );
    expect(retry.cursor).toBeUndefined();
  });

  it('keeps the newest MAX_IDS_AT_TIME ids of one time', () => {
    const first = new CursorWalk(undefined);
    for (let i = 0; i < MAX_IDS_AT_TIME + 5; i++) first.advance(reading(`r${i}`, 20, 7));
    const cursor: EvaluationCursor | undefined = first.cursor;
    expect(1 + cursor!.earlierIdsAtTime.length).toBe(MAX_IDS_AT_TIME);
    const walk = new CursorWalk(cursor);
    expect(walk.passed(reading(`r${MAX_IDS_AT_TIME + 4}`, 20, 7))).toBe(true);
    expect(walk.passed(reading('r5', 20, 7))).toBe(true);
    expect(walk.passed(reading('r4', 20, 7))).toBe(false);
    expect(walk.passed(reading('r0', 20, 6))).toBe(true);
    walk.advance(reading('n', 20, 8));
    expect(walk.cursor).toEqual({
      readingTime: 8,
      readingId: 'n',
      earlierIdsAtTime: [],
    });
  });

  it('updates a stored alert guarded by its revision, and opens a successor after it', () => {
    const open: StoredAlert = {
      id: 'alert-old',
      ruleId: 'rule-1',
      deviceId: 'dev-1',
      sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
      customSensor: '',
      state: AlertState.ALERT_STATE_FIRING,
      severity: Severity.SEVERITY_WARNING,
      value: 35,
      summary: 's',
      acknowledged: false,
      acknowledgedBy: '',
      acknowledgeTime: null,
      startTime: 0,
      fireTime: 0,
      resolveTime: null,
      updateTime: 0,
      revision: 4,
    };
    const plan = planEvaluation(
      {
        rule,
        deviceId: 'dev-1',
        open,
        cursor: { readingTime: 0, readingId: 'x', earlierIdsAtTime: [] },
        readings: [reading('a', 36, 1), reading('b', 10, 2), reading('c', 50, 3)],
      },
      context(),
    );
    expect(
      plan.changes.writes.map((w) => [w.alert.id === 'alert-old', w.expectedRevision, w.alert.state]),
    ).toEqual([
      [true, 4, AlertState.ALERT_STATE_RESOLVED],
      [false, null, AlertState.ALERT_STATE_FIRING],
    ]);
    expect(eventTypes(plan)).toEqual(['ALERT_EVENT_TYPE_RESOLVED', 'ALERT_EVENT_TYPE_FIRING']);
    expect(plan.changes.events[0].alert.value).toBe(10);
  });

  it('holds move only the value and the cursor, without events', () => {
    const plan = planEvaluation(
      {
        rule,
        deviceId: 'dev-1',
        open: undefined,
        cursor: undefined,
        readings: [reading('a', 40, 1), reading('b', 45, 2)],
      },
      context(),
    );
    expect(eventTypes(plan)).toEqual(['ALERT_EVENT_TYPE_FIRING']);
    expect(plan.changes.writes[0].alert.value).toBe(45);
    expect(plan.changes.events[0].alert.value).toBe(40);
  });
});
