import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClientHttp2Session } from 'node:http2';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GrpcClient } from '@iot-mesh/platform';
import {
  RawGrpcCall,
  rawGrpcSession,
  scrapeMetricSum,
  type ServiceProcess,
} from '@iot-mesh/platform/testing';
import {
  WatchAlertsRequest,
  WatchAlertsResponse,
  type AlertEvent,
  type AlertFilter,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { firstValueFrom, type Subscription } from 'rxjs';
import { alertClient, eventually, newRule, reading, startAlertManager } from './alert-manager-process.js';

// A watcher (the gateway, paused by its own slow client) that stops reading must cost the alert manager
// a few buffers: its replay is read from the store only as it takes it, and live events that come
// meanwhile are read from the store later, instead of all of them queueing here.

const noFilter: AlertFilter = { state: 0, severity: 0, deviceId: '', ruleId: '' };
const STORED = 2_000;
const LIVE = 200;
// Per watcher, grpc-js's write buffer (16 messages) and the one being written. The gauge counts both
// watchers of these tests, the stalled one and the one that reads (which may hold a buffer's worth
// for a moment on a loaded machine); an alert manager that read on would hold thousands.
const HELD_AT_MOST = 2 * 17;

describe('a WatchAlerts client that stops reading', () => {
  let dataDir: string;
  let service: ServiceProcess;
  let client: GrpcClient<AlertManagerClient>;
  let liveWatch: Subscription | undefined;
  /** Every event after the first STORED, as a watcher that reads sees them: to know they were published. */
  const live: AlertEvent[] = [];

  /** Readings of one device that each flip its alert: `count` events. */
  const flip = async (first: number, count: number) => {
    for (let start = first; start < first + count; start += 500) {
      const readings = Array.from({ length: Math.min(500, first + count - start) }, (_, i) =>
        reading(`r-${start + i}`, 'flap-1', (start + i) % 2 ? 10 : 40, start + i),
      );
      await firstValueFrom(client.service.evaluateReadings({ readings }));
    }
  };
  const held = () => scrapeMetricSum(service.adminUrl, 'alert_manager_watch_events_unsent');

  /** A WatchAlerts call whose client reads nothing until the test reads. */
  const stalledWatch = (
    session: ClientHttp2Session,
    resumeAfterSequence: number,
    replayFromStart: boolean,
  ) => {
    const call = new RawGrpcCall(session, '/iotmesh.alert.v1.AlertManager/WatchAlerts');
    call.send(WatchAlertsRequest.encode({ filter: noFilter, resumeAfterSequence, replayFromStart }).finish());
    call.stream.end();
    return call;
  };
  const sequencesRead = async (call: RawGrpcCall, count: number) =>
    (await call.read(count)).map((m) => WatchAlertsResponse.decode(m).event!.sequence);
  const sequencesFrom = (first: number, count: number) => Array.from({ length: count }, (_, i) => first + i);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'unread-watch-'));
    service = await startAlertManager({ DATA_DIR: dataDir });
    client = alertClient(service.grpcAddress);
    await firstValueFrom(
      client.service.createRule({ rule: newRule('Flapping', { scope: { deviceId: 'flap-1' } }) }),
    );
    await flip(0, STORED);
    liveWatch = client.service
      .watchAlerts({ filter: noFilter, resumeAfterSequence: STORED, replayFromStart: false })
      .subscribe((response) => live.push(response.event!));
  });
  afterAll(async () => {
    liveWatch?.unsubscribe();
    client?.close();
    await service?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('holds a few events of its replay and of the live ones meanwhile, and sends every one once it reads', async () => {
    const session = rawGrpcSession(service.grpcAddress);
    try {
      const call = stalledWatch(session, 0, true);
      await eventually(async () => (await held()) > 0);
      // Given that time, an alert manager that read on would have queued its whole replay.
      await sleep(1_000);
      expect(await held()).toBeLessThanOrEqual(HELD_AT_MOST);

      await flip(STORED, LIVE);
      await eventually(() => live.length === LIVE);
      expect(await held()).toBeLessThanOrEqual(HELD_AT_MOST);

      expect(await sequencesRead(call, STORED + LIVE)).toEqual(sequencesFrom(1, STORED + LIVE));
    } finally {
      session.close();
    }
  });

  it('holds a few of the live events that come while it does not read, and sends every one once it reads', async () => {
    const session = rawGrpcSession(service.grpcAddress);
    try {
      // Resumed after the newest event: live from there, without a gap.
      const newest = live.at(-1)?.sequence ?? STORED;
      const call = stalledWatch(session, newest, false);
      await flip(newest, STORED);
      await eventually(() => live.at(-1)?.sequence === newest + STORED);
      expect(await held()).toBeLessThanOrEqual(HELD_AT_MOST);

      expect(await sequencesRead(call, STORED)).toEqual(sequencesFrom(newest + 1, STORED));
    } finally {
      session.close();
    }
  });
});
