import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import type { GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  AlertEventType,
  AlertState,
  Severity,
  type AlertEvent,
  type AlertFilter,
  type AlertManagerClient,
  type Rule,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom, type Subscription } from 'rxjs';
import {
  alertClient,
  eventually,
  failure,
  newRule,
  reading,
  startAlertManager,
} from './alert-manager-process.js';

const noFilter: AlertFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };

interface Watch {
  events: AlertEvent[];
  /** How the stream ended: its status and details, or 'OK'. */
  ended: Promise<unknown>;
  subscription: Subscription;
}

describe('WatchAlerts over gRPC', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let client: GrpcClient<AlertManagerClient>;
  const api = () => client.service;
  const createRule = async (rule: Rule) => (await firstValueFrom(api().createRule({ rule }))).rule!;
  const evaluate = (...readings: Reading[]) => firstValueFrom(api().evaluateReadings({ readings }));
  const watch = (filter: AlertFilter, resumeAfterSequence: number, replayFromStart = false): Watch => {
    const events: AlertEvent[] = [];
    let subscription!: Subscription;
    const ended = new Promise<unknown>((resolve) => {
      subscription = api()
        .watchAlerts({ filter, resumeAfterSequence, replayFromStart })
        .subscribe({
          next: (m) => events.push(m.event!),
          error: (error: ServiceError) => resolve([error.code, error.details]),
          complete: () => resolve('OK'),
        });
    });
    return { events, ended, subscription };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'watch-'));
    service = await startAlertManager({ DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '5000' });
    client = alertClient(service.grpcAddress);
  });
  afterAll(async () => {
    client.close();
    await service.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('replays stored events after a sequence, then live ones, without gaps or repeats', async () => {
    // A live-only watcher of everything, proven subscribed by a first event.
    const everything = watch(noFilter, 0);
    await createRule(newRule('Probe', { scope: { deviceId: 'probe-1' } }));
    await evaluate(reading('p-1', 'probe-1', 99, 0));
    await eventually(() => everything.events.length === 1);

    const watched = await createRule(newRule('Watched', { scope: { deviceId: 'w-1' } }));
    await createRule(newRule('Other', { scope: { deviceId: 'w-2' } }));
    await evaluate(reading('w-1a', 'w-1', 40, 0));
    await evaluate(reading('w-1b', 'w-1', 10, 10), reading('w-2a', 'w-2', 50, 10));
    await evaluate(reading('w-1c', 'w-1', 45, 20));
    await eventually(() => everything.events.length === 5);
    const resumeAfter = everything.events[1].sequence;
    expect(everything.events[1]).toMatchObject({
      type: AlertEventType.ALERT_EVENT_TYPE_FIRING,
      alert: { ruleId: watched.id },
    });

    // Resume after the first event of the watched rule while more events keep coming.
    const resumed = watch({ ...noFilter, ruleId: watched.id }, resumeAfter);
    await Promise.all([evaluate(reading('w-1d', 'w-1', 5, 30)), evaluate(reading('w-2b', 'w-2', 5, 30))]);
    const { changedAlerts } = await evaluate(reading('w-1e', 'w-1', 60, 40));
    await firstValueFrom(api().acknowledgeAlert({ id: changedAlerts[0].id, acknowledgedBy: 'ops' }));
    await evaluate(reading('w-1f', 'w-1', 0, 50));

    await eventually(() => everything.events.length === 10);
    const expected = everything.events
      .filter((e) => e.alert?.ruleId === watched.id && e.sequence > resumeAfter)
      .map((e) => e.sequence);
    expect(expected).toHaveLength(6);
    await eventually(() => resumed.events.length >= expected.length);
    expect(resumed.events.map((e) => e.sequence)).toEqual(expected);
    // Replayed events carry the alert as it was right after them.
    expect(resumed.events[0]).toMatchObject({
      type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED,
      alert: { state: AlertState.ALERT_STATE_RESOLVED, value: 10 },
    });
    expect(resumed.events.map((e) => e.type)).toContain(AlertEventType.ALERT_EVENT_TYPE_ACKNOWLEDGED);
    resumed.subscription.unsubscribe();
    everything.subscription.unsubscribe();
  });

  it('filters live events and refuses bad requests', async () => {
    const critical = watch({ ...noFilter, deviceId: 'f-1', state: AlertState.ALERT_STATE_RESOLVED }, 0);
    await createRule(newRule('Filtered', { scope: { deviceId: 'f-1' } }));
    // Keep producing until the watcher is surely subscribed and has seen a resolution.
    for (let i = 0; critical.events.length === 0; i += 2) {
      await evaluate(reading(`f-${i}`, 'f-1', 90, i), reading(`f-${i + 1}`, 'f-1', 0, i + 1));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(critical.events.every((e) => e.alert?.state === AlertState.ALERT_STATE_RESOLVED)).toBe(true);
    critical.subscription.unsubscribe();
    const negative = await failure(
      api().watchAlerts({ filter: noFilter, resumeAfterSequence: -1, replayFromStart: false }),
    );
    const badState = await failure(
      api().watchAlerts({
        filter: { ...noFilter, state: 8 as AlertState },
        resumeAfterSequence: 0,
        replayFromStart: false,
      }),
    );
    const twoStarts = await failure(
      api().watchAlerts({ filter: noFilter, resumeAfterSequence: 2, replayFromStart: true }),
    );
    expect([negative.code, badState.code, twoStarts.code]).toEqual([
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
      status.INVALID_ARGUMENT,
    ]);
    expect(twoStarts.details).toMatch(/replay_from_start/);
    // A resume point past the newest event (a store reset since) is refused, not waited for in silence.
    const ahead = await failure(
      api().watchAlerts({ filter: noFilter, resumeAfterSequence: 1_000_000, replayFromStart: false }),
    );
    expect([ahead.code, ahead.details]).toEqual([
      status.OUT_OF_RANGE,
      expect.stringMatching(/no event 1000000 \(or later\) for this stream yet/),
    ]);
  });

  it("judges a device's resume point by the device's own events, telling it nothing of the others'", async () => {
    await createRule(newRule('Mine', { scope: { deviceId: 'mine-1' } }));
    await createRule(newRule('Theirs', { scope: { deviceId: 'theirs-1' } }));
    const { changedAlerts } = await evaluate(reading('m-1', 'mine-1', 99, 0));
    const mine = { ...noFilter, deviceId: 'mine-1' };
    const own = watch(mine, 0, true);
    await eventually(() => own.events.find((e) => e.alert?.id === changedAlerts[0].id));
    own.subscription.unsubscribe();
    const newestOwn = own.events.at(-1)!.sequence;
    // Other devices' events come after it: their sequences are no resume point for this stream.
    await evaluate(reading('t-1', 'theirs-1', 99, 0), reading('t-2', 'theirs-1', 0, 10));
    const ahead = await failure(
      api().watchAlerts({ filter: mine, resumeAfterSequence: newestOwn + 1, replayFromStart: false }),
    );
    expect([ahead.code, ahead.details]).toEqual([
      status.OUT_OF_RANGE,
      `there is no event ${newestOwn + 1} (or later) for this stream yet; resume from an event this stream sent, or without a resume point for new events only`,
    ]);
    // Its own newest event is a good resume point, whatever came after it for the others.
    const resumed = watch(mine, newestOwn);
    await evaluate(reading('m-2', 'mine-1', 0, 10));
    await eventually(() => resumed.events.length === 1);
    resumed.subscription.unsubscribe();
    expect(resumed.events[0]).toMatchObject({ type: AlertEventType.ALERT_EVENT_TYPE_RESOLVED });
  });

  it('replays from the first stored event when asked, then carries live ones', async () => {
    const fromStart = watch(noFilter, 0, true);
    // The earlier tests stored at least ten events; the stream begins with the very first.
    await eventually(() => fromStart.events.length >= 10);
    expect(fromStart.events[0]).toMatchObject({ sequence: 1, type: AlertEventType.ALERT_EVENT_TYPE_FIRING });
    const sequences = fromStart.events.map((e) => e.sequence);
    expect(sequences).toEqual([...new Set(sequences)].sort((a, b) => a - b));

    await createRule(newRule('After replay', { scope: { deviceId: 'late-1' } }));
    await evaluate(reading('late-a', 'late-1', 99, 0));
    await eventually(() => fromStart.events.some((e) => e.alert?.deviceId === 'late-1'));
    fromStart.subscription.unsubscribe();
  });

  it('streams an UPDATED event when a rule edit changes an open alert, also to a severity-filtered watcher', async () => {
    const all = watch({ ...noFilter, deviceId: 'sev-1' }, 0);
    const criticalOnly = watch({ ...noFilter, deviceId: 'sev-1', severity: Severity.SEVERITY_CRITICAL }, 0);
    const rule = await createRule(
      newRule('Warm', { scope: { deviceId: 'sev-1' }, severity: Severity.SEVERITY_WARNING }),
    );
    await evaluate(reading('sev-a', 'sev-1', 40, 0));
    await eventually(() => all.events.length === 1);

    await firstValueFrom(
      api().updateRule({ rule: { ...rule, severity: Severity.SEVERITY_CRITICAL }, updateMask: ['severity'] }),
    );
    await firstValueFrom(api().updateRule({ rule: { ...rule, name: 'Hot' }, updateMask: ['name'] }));
    await eventually(() => all.events.length === 3);
    expect(all.events.map((e) => [AlertEventType[e.type], e.alert?.severity, e.alert?.summary])).toEqual([
      ['ALERT_EVENT_TYPE_FIRING', Severity.SEVERITY_WARNING, 'Warm: temperature > 30 on sev-1'],
      ['ALERT_EVENT_TYPE_UPDATED', Severity.SEVERITY_CRITICAL, 'Warm: temperature > 30 on sev-1'],
      ['ALERT_EVENT_TYPE_UPDATED', Severity.SEVERITY_CRITICAL, 'Hot: temperature > 30 on sev-1'],
    ]);
    expect(all.events.every((e) => e.alert?.state === AlertState.ALERT_STATE_FIRING)).toBe(true);
    // The critical-only watcher learns of the firing alert when it becomes critical, not at its end.
    await eventually(() => criticalOnly.events.length === 2);
    expect(criticalOnly.events.map((e) => e.sequence)).toEqual(all.events.slice(1).map((e) => e.sequence));
    all.subscription.unsubscribe();
    criticalOnly.subscription.unsubscribe();
  });

  it('ends open watch streams on SIGTERM with UNAVAILABLE, which a watcher resumes on, and exits cleanly', async () => {
    const open = watch(noFilter, 1);
    await eventually(() => open.events.length > 0);
    const exit = await service.stop();
    expect(exit.code).toBe(0);
    // OK would be a normal end: a watcher would not resume, and miss every later event.
    expect(await open.ended).toEqual([status.UNAVAILABLE, expect.stringMatching(/shutting down/)]);
  });
});
