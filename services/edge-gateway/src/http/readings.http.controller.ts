import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { FastifyRequest } from 'fastify';
import { PublishReadingsService } from '../readings/publish-readings.service.js';
import { jsonFieldPath } from './json-field-path.js';
import { parseInput } from './parse-body.js';
import { fromJsonWithEnumNumbers } from './proto-enums.js';
import { proto3Writer } from './proto-json.js';
import { RequestAccess } from './request-access.js';
import { readingBatchSchema, readingSchema } from './schemas.js';

const rejectionJson = proto3Writer('iotmesh.telemetry.v1.ReadingRejection', ReadingRejection);
const readingFromJson = (json: Record<string, unknown>) =>
  fromJsonWithEnumNumbers(Reading, 'iotmesh.telemetry.v1.Reading', json);

/** Devices publish readings over REST with their API key; the same use case as the gRPC API. */
@Controller('api/v1/readings')
export class ReadingsHttpController {
  constructor(
    private readonly access: RequestAccess,
    private readonly publisher: PublishReadingsService,
  ) {}

  @Post()
  @HttpCode(200)
  async publishOne(@Req() request: FastifyRequest, @Body() body: unknown) {
    const device = await this.access.device(request);
    const reading = readingFromJson(parseInput(readingSchema, body));
    return this.publisher.publishOne(device, reading);
  }

  @Post('batch')
  @HttpCode(200)
  async publishBatch(@Req() request: FastifyRequest, @Body() body: unknown) {
    const device = await this.access.device(request);
    const { readings } = parseInput(readingBatchSchema, body);
    const outcome = await this.publisher.publishBatch(device, readings.map(readingFromJson));
    return {
      ...outcome,
      rejections: outcome.rejections.map((r) => rejectionJson({ ...r, field: jsonFieldPath(r.field) })),
    };
  }
}
