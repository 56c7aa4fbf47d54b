import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  Alert,
  AlertEvent,
  AlertFilter,
  ListAlertsResponse,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { ValidationError } from '@iot-mesh/platform';
import { RouteConfig } from '@nestjs/platform-fastify';
import { map } from 'rxjs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AlertStreamSlots } from '../alerts/alert-stream-slots.js';
import { AlertStreamService } from '../alerts/alert-stream.service.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { holdUntilFirstWord } from './held-stream.js';
import { toHttpError } from './http-error.js';
import { parseInput } from './parse-body.js';
import { messageFromJson, messageSchema, proto3Writer } from './proto-json.js';
import { deviceInScope, RequestAccess } from './request-access.js';
import { CLIENT_ENDED_STREAM } from './request-metrics.js';
import { alertStreamQuerySchema, listAlertsQuerySchema } from './query-schemas.js';
import { acknowledgeSchema } from './schemas.js';

const HEARTBEAT_MS = 15_000;
// How long the headers of a resumed stream wait for the alert manager to refuse its resume point: it
// checks that first, with one read of its store.
const RESUME_CHECK_WAIT_MS = 1_000;

// The filter is read as proto3 JSON, so an unknown state or severity is a 400 naming the query.
const alertFilterSchema = messageSchema('iotmesh.alert.v1.AlertFilter');
const alertJson = proto3Writer('iotmesh.alert.v1.Alert', Alert);
const alertPageJson = proto3Writer('iotmesh.alert.v1.ListAlertsResponse', ListAlertsResponse);
const alertEventJson = proto3Writer('iotmesh.alert.v1.AlertEvent', AlertEvent);
const sseEvent = (event: AlertEvent) =>
  `id: ${event.sequence}\nevent: alert\ndata: ${JSON.stringify(alertEventJson(event))}\n\n`;
const filterOf = (fields: object): AlertFilter =>
  messageFromJson(alertFilterSchema, AlertFilter, fields, 'query');

/**
 * The Last-Event-ID a reconnecting client sends back: the id of an event this stream sent, which is
 * a sequence number. Anything else is refused before the stream starts, rather than sent on.
 */
function lastEventIdOf(header: string | string[] | undefined): number | undefined {
  if (header === undefined || header === '') return undefined;
  const text = Array.isArray(header) ? (header[0] ?? '') : header;
  if (/^\d{1,16}$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  throw new ValidationError([
    {
      field: 'Last-Event-ID',
      reason: 'FIELD.INVALID',
      description: 'must be the id of an event of this stream (a sequence number)',
    },
  ]);
}

/** Alerts over REST: list, read, acknowledge, and a Server-Sent Events stream that resumes by event id. */
@Controller('api/v1/alerts')
export class AlertsHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly access: RequestAccess,
    private readonly stream: AlertStreamService,
    private readonly slots: AlertStreamSlots,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Query() query: unknown) {
    await this.access.operator(request);
    const { pageSize, pageToken, ...filter } = parseInput(listAlertsQuerySchema, query, 'query');
    const response = await callDownstream(
      'alert-manager',
      'ListAlerts',
      this.downstream.alerts.listAlerts({
        filter: filterOf(filter),
        pageSize: pageSize ?? 0,
        pageToken: pageToken ?? '',
      }),
    );
    return alertPageJson(response);
  }

  /**
   * text/event-stream of alert events; each event's id is its sequence, so a reconnecting client's
   * Last-Event-ID (or ?resumeAfter=) replays what it missed. A device sees only its own alerts.
   */
  @Get('stream')
  @RouteConfig(CLIENT_ENDED_STREAM)
  async watch(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Query() query: unknown,
  ): Promise<void> {
    const caller = await this.access.operatorOrDevice(request);
    const { resumeAfter: resumeAfterQuery, ...fields } = parseInput(alertStreamQuerySchema, query, 'query');
    // Given, 0 replays from the first stored event; left out, the stream carries new events only.
    const resumeAfter = lastEventIdOf(request.headers['last-event-id']) ?? resumeAfterQuery;
    const deviceId = deviceInScope(caller, fields.deviceId, 'alerts');
    // Absent, not undefined: proto3 JSON has no undefined.
    const filter = filterOf(deviceId === undefined ? fields : { ...fields, deviceId });

    const raw = reply.raw;
    // Events go out as the client reads them; meanwhile the alert manager's stream waits.
    const writer = this.stream.writerFor<string>(raw);
    const events = this.stream
      .watch(
        filter,
        { resumeAfterSequence: resumeAfter ?? 0, replayFromStart: resumeAfter === 0 },
        writer.demand,
      )
      .pipe(
        this.access.whileKeyValid(request, caller),
        // Outermost, so that a stream over the caps is refused before anything else: a 429.
        this.slots.held({
          client: this.access.clientOf(request),
          ...(caller.kind === 'device' ? { deviceId: caller.device.deviceId } : {}),
        }),
      );
    // The alert manager refuses a resume point past the newest event the filter matches (OUT_OF_RANGE
    // ALERT_EVENTS.RESUME_AHEAD) once it has read its store, and says nothing when the point is good and
    // no event follows yet. So the headers wait for its first word, for a while: a refusal is then a plain
    // 400 that stops an EventSource, where a 200 with an error event had it reconnect with the same
    // Last-Event-ID forever.
    const opening = holdUntilFirstWord(events, resumeAfter ? RESUME_CHECK_WAIT_MS : 0);
    raw.once('close', () => void opening.then((held) => held.close()));
    const held = await opening;
    // A refusal of the request answers it; a failure to serve it (503) is sent in the stream as before,
    // so that an EventSource tries again.
    if (held.failure && toHttpError(held.failure.error).statusCode < 500) throw held.failure.error;
    // The client went away before (its close may have come before the listener was there).
    if (raw.destroyed) {
      held.close();
      return;
    }
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    // HEAD asks for the headers only: a stream that sends no body would never end.
    if (request.method === 'HEAD') {
      held.close();
      raw.end();
      return;
    }
    raw.write(': connected\n\n');
    // A heartbeat keeps a quiet connection open; one that is not being read gets none to hold.
    const heartbeat = setInterval(() => raw.writableNeedDrain || raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
    raw.once('close', () => clearInterval(heartbeat));
    held.stream.pipe(map(sseEvent), writer.writeAll()).subscribe({
      // Once the stream has started, a failure (the alert manager going away) can only be an event.
      error: (error: unknown) => {
        raw.write(`event: error\ndata: ${JSON.stringify(toHttpError(error).body)}\n\n`);
        raw.end();
      },
      complete: () => raw.end(),
    });
  }

  @Get(':id')
  async get(@Req() request: FastifyRequest, @Param('id') id: string) {
    await this.access.operator(request);
    return alertJson(
      (await callDownstream('alert-manager', 'GetAlert', this.downstream.alerts.getAlert({ id }))).alert!,
    );
  }

  @Post(':id/acknowledge')
  @HttpCode(200)
  async acknowledge(@Req() request: FastifyRequest, @Param('id') id: string, @Body() body: unknown) {
    const operator = await this.access.operator(request);
    const { acknowledgedBy } = parseInput(acknowledgeSchema, body ?? {});
    const response = await callDownstream(
      'alert-manager',
      'AcknowledgeAlert',
      this.downstream.alerts.acknowledgeAlert({ id, acknowledgedBy: acknowledgedBy || operator }),
    );
    return alertJson(response.alert!);
  }
}
