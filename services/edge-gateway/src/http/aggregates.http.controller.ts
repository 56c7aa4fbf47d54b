import { Controller, Get, Inject, Query, Req } from '@nestjs/common';
import { ValidationError } from '@iot-mesh/platform';
import {
  GetAggregatesRequest,
  GetAggregatesResponse,
  ListAggregatesRequest,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { FastifyRequest } from 'fastify';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { parseInput } from './parse-body.js';
import { messageFromJson, messageSchema, proto3Writer } from './proto-json.js';
import { deviceInScope, RequestAccess } from './request-access.js';
import { aggregatesQuerySchema } from './query-schemas.js';

const getSchema = messageSchema('iotmesh.processor.v1.GetAggregatesRequest');
const listSchema = messageSchema('iotmesh.processor.v1.ListAggregatesRequest');
// Both calls answer a page of aggregates; ListAggregatesResponse has the same fields.
const aggregatesPageJson = proto3Writer('iotmesh.processor.v1.GetAggregatesResponse', GetAggregatesResponse);

/** Aggregates: operators see every device, a device only itself. */
@Controller('api/v1/aggregates')
export class AggregatesHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly access: RequestAccess,
  ) {}

  /** One device's windows (GetAggregates), or the latest window of every device when deviceId is absent. */
  @Get()
  async get(@Req() request: FastifyRequest, @Query() query: unknown) {
    const caller = await this.access.operatorOrDevice(request);
    const q = parseInput(aggregatesQuerySchema, query, 'query');
    const deviceId = deviceInScope(caller, q.deviceId, 'aggregates');
    if (!deviceId && q.startTime !== undefined) {
      throw new ValidationError([
        {
          field: 'startTime',
          reason: 'FIELD.INVALID',
          description: "needs a deviceId: it bounds one device's history",
        },
      ]);
    }
    // The query read as the request's proto3 JSON: an unknown sensor type or window is a 400 naming it.
    const { deviceId: _asked, ...fields } = q;
    const response = deviceId
      ? await callDownstream(
          'data-processor',
          'GetAggregates',
          this.downstream.processor.getAggregates(
            messageFromJson(getSchema, GetAggregatesRequest, { ...fields, deviceId }, 'query'),
          ),
        )
      : await callDownstream(
          'data-processor',
          'ListAggregates',
          this.downstream.processor.listAggregates(
            messageFromJson(listSchema, ListAggregatesRequest, fields, 'query'),
          ),
        );
    return aggregatesPageJson(response);
  }
}
