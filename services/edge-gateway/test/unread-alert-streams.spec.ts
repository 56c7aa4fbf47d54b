import http, { type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, RawGrpcCall, rawGrpcSession, scrapeMetricSum } from '@iot-mesh/platform/testing';
import { AlertEventType, type WatchAlertsResponse } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  WatchAlertsRequest,
  WatchAlertsResponse as EdgeWatchAlertsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { map, range } from 'rxjs';
import { deviceOneKey } from './device-batches.js';
import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY, OPERATOR_TOKEN } from './gateway-process.js';

// A watcher that stops reading (its HTTP/2 window, or its TCP connection, full) must hold back the
// alert manager's stream, rather than have the gateway read the whole replay, and every later event, into
// its own memory. Once it reads again it gets every event, in order.

// Far more than the HTTP/2 windows and socket buffers between the alert manager and the watcher hold.
const EVENTS = 20_000;
// About 1 KB an event, as an alert with a long summary.
const SUMMARY = 's'.repeat(1_000);
// What a watcher may hold in the gateway: a write buffer (grpc-js's 16 messages, an HTTP response's
// 16 KiB) and what one HTTP/2 window (64 KiB) of the alert manager's stream brought in at once.
const HELD_AT_MOST = 16 + 64;

const event = (sequence: number): WatchAlertsResponse => ({
  event: {
    sequence,
    type: AlertEventType.ALERT_EVENT_TYPE_FIRING,
    alert: {
      id: `alert-${sequence}`,
      ruleId: 'rule-1',
      deviceId: 'device-1',
      sensorType: 1,
      state: 2,
      severity: 3,
      value: 42,
      summary: SUMMARY,
      acknowledged: false,
      acknowledgedBy: '',
      customSensor: '',
    },
  },
});

describe('alert watchers that stop reading', () => {
  const running = gatewayOnStubs();
  let before = 0;

  beforeAll(() => {
    running.stubs.answer('VerifyDeviceKey', deviceOneKey);
    running.stubs.answer('WatchAlerts', () => range(1, EVENTS).pipe(map(event)));
  });
  beforeEach(() => (before = running.stubs.sent('WatchAlerts')));

  const sentByAlertManager = () => running.stubs.sent('WatchAlerts') - before;
  const heldByGateway = () => scrapeMetricSum(running.gateway.adminUrl, 'edge_gateway_alert_events_unsent');
  /** How far the alert manager got once the watcher stopped reading, and what the gateway held then. */
  const stalled = async () => {
    await eventually(() => (sentByAlertManager() > 0 ? true : undefined), 'the first events to be sent');
    // Given that time, a gateway that read on would have taken them all (it did, in a few hundred ms).
    await sleep(1_000);
    return { sent: sentByAlertManager(), held: await heldByGateway() };
  };

  it('over gRPC, hold back the alert manager', async () => {
    const session = rawGrpcSession(running.gateway.grpcAddress);
    try {
      const call = new RawGrpcCall(session, '/iotmesh.edge.v1.EdgeGateway/WatchAlerts', {
        'x-api-key': DEVICE_KEY,
      });
      call.send(WatchAlertsRequest.encode({ resumeAfterSequence: 0, replayFromStart: true }).finish());
      call.stream.end();

      const { sent, held } = await stalled();
      expect(sent).toBeLessThan(EVENTS / 10);
      expect(held).toBeLessThanOrEqual(HELD_AT_MOST);

      const events = (await call.read(EVENTS)).map((m) => EdgeWatchAlertsResponse.decode(m).event!.sequence);
      expect(events).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    } finally {
      session.close();
    }
  });

  it('over SSE, hold back the alert manager', async () => {
    const response = await new Promise<IncomingMessage>((resolve, reject) =>
      http
        .get(
          `http://127.0.0.1:${running.gateway.ports['HTTP_PORT']}/api/v1/alerts/stream?resumeAfter=0`,
          { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } },
          resolve,
        )
        .on('error', reject),
    );
    try {
      expect(response.statusCode).toBe(200);
      response.pause();

      const { sent, held } = await stalled();
      // Besides the gateway's buffers, the connection's socket buffers hold a few MB.
      expect(sent).toBeLessThan(EVENTS / 2);
      expect(held).toBeLessThanOrEqual(HELD_AT_MOST);

      const ids: number[] = [];
      let partialLine = '';
      response.setEncoding('utf8');
      await new Promise<void>((resolve) => {
        response.on('data', (chunk: string) => {
          const lines = (partialLine + chunk).split('\n');
          partialLine = lines.pop() ?? '';
          for (const line of lines) if (line.startsWith('id: ')) ids.push(Number(line.slice(4)));
          if (ids.length === EVENTS) resolve();
        });
        response.resume();
      });
      expect(ids).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    } finally {
      response.destroy();
    }
  });
});
