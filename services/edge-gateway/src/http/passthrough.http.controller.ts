import { All, Body, Controller, HttpCode, Inject, Param, Query, Req } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@iot-mesh/platform';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { DownstreamName } from '../config.js';
import { DOWNSTREAM_APIS, type Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { RequestAccess } from './request-access.js';

interface JsonCodec {
  fromJSON(object: unknown): unknown;
  toJSON(message: unknown): unknown;
}

/**
 * `ANY /api/v1/{service}/{Method}`: any unary method of an internal service, for operators, with
 * proto3 JSON in and out (the body, or the query string for GET). Streaming methods are refused.
 */
@Controller('api/v1')
export class PassthroughHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly access: RequestAccess,
  ) {}

  @All(':service/:method')
  @HttpCode(200)
  async call(
    @Req() request: FastifyRequest,
    @Param('service') service: string,
    @Param('method') methodName: string,
    @Body() body: unknown,
    @Query() query: unknown,
  ): Promise<unknown> {
    await this.access.operator(request);
    const api = DOWNSTREAM_APIS[service as DownstreamName] as
      (typeof DOWNSTREAM_APIS)[DownstreamName] | undefined;
    if (!api)
      throw new NotFoundError('ROUTE.UNKNOWN_SERVICE', `no service named ${service}`, {
        known: Object.keys(DOWNSTREAM_APIS).join(','),
      });
    const entry = Object.entries(api.definition.methods).find(
      ([key, m]) => key === methodName || m.name === methodName,
    );
    // Internal methods (ProcessReadings, SendNotification, ...) are not reachable from outside.
    if (!entry || !api.allowed.includes(entry[1].name)) {
      throw new NotFoundError('ROUTE.UNKNOWN_METHOD', `${service} has no public method ${methodName}`);
    }
    const [key, method] = entry;
    if (method.requestStream || method.responseStream) {
      throw new ValidationError([
        {
          field: 'method',
          reason: 'ROUTE.STREAMING',
          description: `${method.name} streams; use the gRPC API`,
        },
      ]);
    }
    const input = request.method === 'GET' ? query : (body ?? {});
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      throw new ValidationError([
        { field: 'body', reason: 'FIELD.INVALID', description: 'must be a JSON object' },
      ]);
    }
    const requestMessage = (method.requestType as unknown as JsonCodec).fromJSON(input);
    const client = this.downstream.client(service as DownstreamName).service as Record<
      string,
      (request: unknown) => Observable<unknown>
    >;
    const response = await callDownstream(service as DownstreamName, client[key](requestMessage));
    return (method.responseType as unknown as JsonCodec).toJSON(response);
  }
}
