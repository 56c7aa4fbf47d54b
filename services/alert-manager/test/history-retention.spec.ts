import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { status } from '@grpc/grpc-js';
import { spawnService, type ServiceProcess } from '@iot-mesh/platform/testing';
import type { AlertEvent, AlertFilter } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { firstValueFrom, take, toArray } from 'rxjs';
import { AlertStack } from './alert-stack.js';
import { eventually, failure, newRule, reading } from './alert-manager-process.js';

const GATEWAY = fileURLToPath(new URL('../../edge-gateway/dist/main.js', import.meta.url));
const OPERATOR_TOKEN = 'retention-test-operator-token';
const HOUR = 3_600_000;
const noFilter: AlertFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };

/** The alert manager's history after a run, its resolved alerts aged past a one-hour retention. */
describe('alert history retention, end to end', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'alert-retention-'));
  const stack = new AlertStack({ DATA_DIR: dataDir, ALERT_RETENTION_HOURS: '1' });
  let gateway: ServiceProcess;
  let kept: AlertEvent[];
  const watch = (resumeAfterSequence: number, replayFromStart = false) =>
    stack.api.watchAlerts({ filter: noFilter, resumeAfterSequence, replayFromStart });

  beforeAll(async () => {
    await stack.start();
    const rule = await stack.createRule(newRule('Hot', { hysteresis: 2 }));
    // Fires and resolves (events 1, 2), then fires again and stays open (3).
    await stack.evaluate([reading('r1', 'thermo-1', 35, 0)]);
    await stack.evaluate([reading('r2', 'thermo-1', 20, 10)]);
    await stack.evaluate([reading('r3', 'thermo-1', 36, 20)]);
    expect((await stack.alertsOf(rule.id)).map((a) => a.state)).toHaveLength(2);
    // Two hours pass for the resolved alert: its last change is moved back (the store is the service's).
    const file = new DatabaseSync(join(dataDir, 'alert-manager.sqlite'));
    file.prepare('update alerts set update_time = update_time - ? where open_key is null').run(2 * HOUR);
    file.close();
    await stack.restart(); // prunes as it starts
    await eventually(
      async () => (await stack.metric('alert_manager_pruned_rows_total', 'alert_events')) === 2,
    );
    kept = await firstValueFrom(watch(0, true).pipe(take(1), toArray())).then((m) => m.map((x) => x.event!));
    gateway = await spawnService({
      entry: GATEWAY,
      env: { OPERATOR_TOKEN, HTTP_HOST: '127.0.0.1', ALERT_MANAGER_ADDRESS: stack.address },
      pickPorts: ['GRPC_PORT', 'ADMIN_PORT', 'HTTP_PORT'],
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the open alert and its events; replay_from_start replays what is kept', async () => {
    expect(kept.map((e) => [e.sequence, e.alert?.state])).toEqual([[3, kept[0].alert?.state]]);
    expect(await stack.metric('alert_manager_pruned_rows_total', 'alerts"')).toBe(1);
  });

  it('refuses a gRPC resume point below the pruned events with OUT_OF_RANGE, and takes the mark itself', async () => {
    const error = await failure(watch(1));
    expect(error.code).toBe(status.OUT_OF_RANGE);
    expect(error.details).toContain('ALERT_RETENTION_HOURS');
    const resumed = await firstValueFrom(watch(2).pipe(take(1)));
    expect(resumed.event?.sequence).toBe(3);
  });

  it('answers an SSE resume point below them through the gateway with a 400 before the stream starts', async () => {
    const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/alerts/stream`, {
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'last-event-id': '1' },
    });
    expect([response.status, response.headers.get('content-type')]).toEqual([
      400,
      'application/json; charset=utf-8',
    ]);
    expect(await response.json()).toMatchObject({
      error: { code: 400, status: 'OUT_OF_RANGE', reason: 'ALERT_EVENTS.RESUME_POINT_PRUNED' },
    });
  });
});
