import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import {
  SENSOR_INGESTION_SERVICE_NAME as SERVICE,
  type IngestBatchRequest,
  type IngestBatchResponse,
  type IngestRequest,
  type IngestResponse,
  type IngestStreamRequest,
  type IngestStreamResponse,
  type SensorIngestionController,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { ValidationError } from '@iot-mesh/platform';
import { map, type Observable } from 'rxjs';
import { IngestionService } from './ingestion.service.js';

/** Transport for SensorIngestion: messages in, use cases called, messages out. */
@Controller()
export class IngestionGrpcController implements SensorIngestionController {
  constructor(private readonly ingestion: IngestionService) {}

  @GrpcMethod(SERVICE, 'Ingest')
  async ingest(request: IngestRequest): Promise<IngestResponse> {
    if (!request.reading) {
      throw new ValidationError([{ field: 'reading', reason: 'FIELD.REQUIRED', description: 'must be set' }]);
    }
    return this.ingestion.ingestOne(request.reading);
  }

  @GrpcMethod(SERVICE, 'IngestBatch')
  async ingestBatch(request: IngestBatchRequest): Promise<IngestBatchResponse> {
    return { result: await this.ingestion.ingestBatch(request.readings) };
  }

  // Returns an Observable, not a Promise: Nest completes the request stream only after the handler
  // returned, so awaiting the stream's end inside the handler would never finish.
  @GrpcStreamMethod(SERVICE, 'IngestStream')
  ingestStream(requests: Observable<IngestStreamRequest>): Observable<IngestStreamResponse> {
    return this.ingestion
      .ingestStream(requests.pipe(map((request) => request.readings)))
      .pipe(map((totals) => ({ result: totals.result, batchCount: totals.batchCount })));
  }
}
