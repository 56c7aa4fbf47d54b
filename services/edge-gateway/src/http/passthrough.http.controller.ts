import { All, Body, Controller, HttpCode, Inject, Param, Query, Req } from '@nestjs/common';
import { NotFoundError, ValidationError } from '@iot-mesh/platform';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import {
  DOWNSTREAM_APIS,
  downstreamNamed,
  passThroughMethods,
  type Downstream,
} from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { MethodNotAllowedError } from './http-error.js';
import { messageFromJson, messageToJson, methodSchema, type BinaryCodec } from './proto-json.js';
import { queryAsJson } from './query-json.js';
import { RequestAccess } from './request-access.js';
import { wrongMethod } from './route-methods.js';

/** Methods that only read (AIP's standard Get and List) may also be called with GET. */
const readsOnly = (methodName: string) => /^(Get|List)[A-Z]/.test(methodName);

/**
 * `POST /api/v1/{service}/{Method}`: any unary method of an internal service, for operators, with
 * proto3 JSON in and out, read and written as the standard maps it (a wrong type, an unknown field or
 * two members of a oneof are a 400). `GET` with the fields in the query string (dotted paths for
 * nested ones), for the methods that only read. Streaming methods are refused.
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
    const name = downstreamNamed(service);
    if (!name) {
      // `POST /api/v1/devices/d1` lands here, but is a REST resource taken with other methods.
      throw (
        wrongMethod(request) ??
        new NotFoundError('ROUTE.UNKNOWN_SERVICE', `no service named ${service}`, {
          known: Object.keys(DOWNSTREAM_APIS).join(','),
        })
      );
    }
    const api = DOWNSTREAM_APIS[name];
    const entry = Object.entries(api.definition.methods).find(
      ([key, m]) => key === methodName || m.name === methodName,
    );
    // Internal methods (ProcessReadings, SendNotification, VerifyDeviceKey, ...) are not reachable from outside.
    if (!entry || !passThroughMethods(name).includes(entry[1].name)) {
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
    const reading = request.method === 'GET' || request.method === 'HEAD';
    if (request.method !== 'POST' && !(reading && readsOnly(method.name))) {
      throw new MethodNotAllowedError(
        readsOnly(method.name) ? ['GET', 'POST'] : ['POST'],
        `call ${method.name} with ${readsOnly(method.name) ? 'GET or POST' : 'POST'}`,
      );
    }
    const schema = methodSchema(api.definition.fullName, method.name);
    const requestMessage = messageFromJson(
      schema.input,
      method.requestType as unknown as BinaryCodec<unknown>,
      reading ? queryAsJson(query, schema.input) : body === undefined ? {} : body,
      reading ? 'query' : 'body',
    );
    const client = this.downstream.client(name).service as Record<
      string,
      (request: unknown) => Observable<unknown>
    >;
    const response = await callDownstream(name, method.name, client[key](requestMessage));
    return messageToJson(schema.output, method.responseType as unknown as BinaryCodec<unknown>, response);
  }
}
