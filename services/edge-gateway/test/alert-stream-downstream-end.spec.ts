import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { toGrpcError, UnavailableError, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { AlertEventType } from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { EdgeGatewayClient } from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  catchError,
  concat,
  endWith,
  firstValueFrom,
  ignoreElements,
  of,
  tap,
  throwError,
  timeout,
  type Observable,
} from 'rxjs';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, OPERATOR_TOKEN, startGateway } from './gateway-process.js';

// The alert manager ends a watch when it stops. However it ends it, the gateway's watchers must end
// with a status they reconnect on (and resume after the last event), never stay open in silence or
// end as if normally.

/** Long enough for a stream that is going to end to have ended. */
const SETTLE_MS = 3_000;

const firing = { event: { sequence: 1, type: AlertEventType.ALERT_EVENT_TYPE_FIRING } };

const endings: [string, () => Observable<unknown>, string][] = [
  // As alert managers did before they said UNAVAILABLE on shutdown.
  [
    'OK',
    () => of(firing),
    'alert-manager ended the stream: reconnect and resume after the last event received',
  ],
  [
    'UNAVAILABLE (the alert manager shutting down)',
    () =>
      concat(
        of(firing),
        throwError(() =>
          toGrpcError(
            new UnavailableError('ALERT_MANAGER.SHUTTING_DOWN', 'the alert manager is shutting down'),
          ),
        ),
      ),
    'alert-manager is unavailable: it is shutting down (ALERT_MANAGER.SHUTTING_DOWN)',
  ],
];

/** A device's WatchAlerts: the sequences it got, and its end (status and details, 'OK', or 'open'). */
async function watchOverGrpc(edge: GrpcClient<EdgeGatewayClient>) {
  const metadata = new Metadata();
  metadata.set('x-api-key', DEVICE_KEY);
  const sequences: number[] = [];
  const end = edge.service.watchAlerts({ resumeAfterSequence: 0, replayFromStart: false }, metadata).pipe(
    tap(({ event }) => sequences.push(event!.sequence)),
    ignoreElements(),
    endWith('OK'),
    catchError((error: ServiceError) => of([error.code, error.details])),
    timeout({ first: SETTLE_MS, with: () => of('open') }),
  );
  return { end: await firstValueFrom(end), sequences };
}

/** An operator's SSE stream: its body so far, and whether the gateway ended it. */
async function watchOverSse(gateway: ServiceProcess): Promise<{ text: string; ended: boolean }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), SETTLE_MS);
  const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/alerts/stream`, {
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
    signal: abort.signal,
  });
  let text = '';
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
    }
    return { text, ended: true };
  } catch {
    return { text, ended: false };
  } finally {
    clearTimeout(timer);
  }
}

describe('an alert stream the alert manager ends', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () => ({ deviceId: 'dev-1', keyId: 'key-1', deviceStatus: 2 }));
    gateway = await startGateway(stubs.env);
    edge = edgeClient(gateway, { deadlineByMethodMs: { WatchAlerts: Number.POSITIVE_INFINITY } });
  });
  afterAll(async () => {
    edge?.close();
    await gateway?.stop();
    await stubs?.stop();
  });

  it.each(endings)(
    'with %s ends the watchers with UNAVAILABLE, for them to resume',
    async (_, end, message) => {
      stubs.answer('WatchAlerts', end);
      const [grpc, sse] = await Promise.all([watchOverGrpc(edge), watchOverSse(gateway)]);

      const error = /^event: error\ndata: (.*)$/m.exec(sse.text)?.[1];
      expect({
        grpc,
        sse: {
          ended: sse.ended,
          ids: sse.text.match(/^id: \d+$/gm),
          error: JSON.parse(error ?? 'null') as unknown,
        },
      }).toMatchObject({
        grpc: { sequences: [1], end: [status.UNAVAILABLE, message] },
        // As on the gateway's own shutdown: an error event, then the end of the response, on which an
        // EventSource reconnects with Last-Event-ID.
        sse: {
          ended: true,
          ids: ['id: 1'],
          error: { error: { code: 503, status: 'UNAVAILABLE', reason: 'DOWNSTREAM.UNAVAILABLE', message } },
        },
      });
    },
  );
});
