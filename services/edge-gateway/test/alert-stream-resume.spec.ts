import { OutOfRangeError, toGrpcError, UnavailableError } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import {
  AlertEventType,
  type AlertEvent,
  type WatchAlertsRequest,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { concat, from, map, mergeMap, NEVER, throwError, timer } from 'rxjs';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { OPERATOR_TOKEN, startGateway } from './gateway-process.js';

const NEWEST = 3;
const stored: AlertEvent[] = Array.from({ length: NEWEST }, (_, i) => ({
  sequence: i + 1,
  type: AlertEventType.ALERT_EVENT_TYPE_FIRING,
}));
// The alert manager reads its store before it refuses a resume point: the refusal is not immediate.
const STORE_READ_MS = 200;

/** WatchAlerts as the alert manager answers it: stored events after the resume point, then live ones (none here). */
function alertManagerWatch({ resumeAfterSequence, replayFromStart }: WatchAlertsRequest) {
  if (resumeAfterSequence > NEWEST) {
    const ahead = toGrpcError(
      new OutOfRangeError('ALERT_EVENTS.RESUME_AHEAD', `there is no event ${resumeAfterSequence} yet`),
    );
    return timer(STORE_READ_MS).pipe(mergeMap(() => throwError(() => ahead)));
  }
  const replayed =
    replayFromStart || resumeAfterSequence > 0 ? stored.filter((e) => e.sequence > resumeAfterSequence) : [];
  return concat(from(replayed).pipe(map((event) => ({ event }))), NEVER);
}

interface EventStream {
  status: number;
  contentType: string | null;
  /** The body, whole when it is not a stream; a stream's first `events` events. */
  text: string;
}

/** GET (or HEAD) /api/v1/alerts/stream: the answer, read up to `events` events of a stream. */
async function openStream(
  gateway: ServiceProcess,
  query: string,
  options: { headers?: Record<string, string>; method?: string; events?: number } = {},
): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(
    `http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/alerts/stream${query}`,
    {
      method: options.method ?? 'GET',
      headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, ...options.headers },
      signal: abort.signal,
    },
  );
  const contentType = response.headers.get('content-type');
  if (!contentType?.startsWith('text/event-stream')) {
    return { status: response.status, contentType, text: await response.text() };
  }
  let text = '';
  const decoder = new TextDecoder();
  const wanted = options.events ?? 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      if ((text.match(/^event: /gm)?.length ?? 0) >= wanted) break;
    }
  } finally {
    abort.abort();
  }
  return { status: response.status, contentType, text };
}

describe('an alert stream resumed from a point', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('WatchAlerts', alertManagerWatch);
    gateway = await startGateway(stubs.env);
  });
  afterAll(async () => {
    await gateway?.stop();
    await stubs?.stop();
  });

  it('past the newest event is a plain 400 before any event-stream header, so EventSource stops', async () => {
    for (const asked of [{ headers: { 'last-event-id': '999999' } }, { query: '?resumeAfter=999999' }]) {
      const answer = await openStream(gateway, asked.query ?? '', asked);
      expect([answer.status, answer.contentType]).toEqual([400, 'application/json; charset=utf-8']);
      expect(JSON.parse(answer.text)).toMatchObject({
        error: { code: 400, status: 'OUT_OF_RANGE', reason: 'ALERT_EVENTS.RESUME_AHEAD' },
      });
    }
    expect((await openStream(gateway, '?resumeAfter=999999', { method: 'HEAD' })).status).toBe(400);
  });

  it('is refused unless written in decimal digits, before the alert manager is asked', async () => {
    const asked = stubs.requests('WatchAlerts').length;
    for (const query of ['', '0x1', '1e1', '%201', '1&resumeAfter=2', '-1']) {
      const answer = await openStream(gateway, `?resumeAfter=${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(JSON.parse(answer.text)).toMatchObject({
        error: { details: [expect.objectContaining({ field: 'resumeAfter', reason: 'FIELD.INVALID' })] },
      });
    }
    expect(stubs.requests('WatchAlerts')).toHaveLength(asked);
  });

  it('that exists replays what came after it', async () => {
    const answer = await openStream(gateway, '', { headers: { 'last-event-id': '1' }, events: 2 });
    expect([answer.status, answer.contentType]).toEqual([200, 'text/event-stream']);
    expect(answer.text.match(/^id: \d+$/gm)).toEqual(['id: 2', 'id: 3']);
  });

  it('at the newest event opens the stream though nothing follows yet', async () => {
    const answer = await openStream(gateway, `?resumeAfter=${NEWEST}`);
    expect([answer.status, answer.contentType]).toEqual([200, 'text/event-stream']);
    expect((await openStream(gateway, '')).status).toBe(200);
  });

  it('that the alert manager cannot check now opens the stream and ends it with an error event, to be retried', async () => {
    const unavailable = toGrpcError(new UnavailableError('STORAGE.UNAVAILABLE', 'database down'));
    stubs.answer('WatchAlerts', () => throwError(() => unavailable));
    try {
      const answer = await openStream(gateway, '?resumeAfter=1', { events: 1 });
      expect([answer.status, answer.contentType]).toEqual([200, 'text/event-stream']);
      expect(answer.text).toMatch(/^event: error\ndata: .*"status":"UNAVAILABLE"/m);
    } finally {
      stubs.answer('WatchAlerts', alertManagerWatch);
    }
  });
});
