import { Controller, Inject } from '@nestjs/common';
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
import type { Metadata, ServerDuplexStream } from '@grpc/grpc-js';
import {
  StreamReadAhead,
  streamMessageTraces,
  StreamShutdown,
  untracedMessages,
  ValidationError,
} from '@iot-mesh/platform';
import { finalize, map, tap, type Observable } from 'rxjs';
import type { IngestionConfig } from '../config.js';
import { INGESTION_CONFIG } from '../ingestion.di-tokens.js';
import { IngestionMetrics } from './ingestion.metrics.js';
import { IngestionService } from './ingestion.service.js';
import { ingestionShuttingDown } from './ingestion-shutting-down.js';

/** Transport for SensorIngestion: messages in, use cases called, messages out. */
@Controller()
export class IngestionGrpcController implements SensorIngestionController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly metrics: IngestionMetrics,
    private readonly shutdown: StreamShutdown,
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
  ) {}

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
  // returned, so awaiting the stream's end inside the handler would never finish. A client sending far
  // ahead is held back by flow control once INGEST_STREAM_READ_AHEAD batches wait (see StreamReadAhead).
  // Each batch is a trace of its own, linked to the stream's (see streamMessageTraces). On shutdown the
  // stream is read no further; once the batches read are ingested it ends with UNAVAILABLE, saying how many.
  @GrpcStreamMethod(SERVICE, 'IngestStream')
  ingestStream(
    requests: Observable<IngestStreamRequest>,
    _metadata?: Metadata,
    // Nest passes the call; the generated interface, which this class implements, does not name it.
    call?: ServerDuplexStream<IngestStreamRequest, IngestStreamResponse>,
  ): Observable<IngestStreamResponse> {
    const readAhead = new StreamReadAhead(
      call ?? { pause: () => undefined, resume: () => undefined },
      this.config.ingestStreamReadAhead,
      this.metrics.streamBatchesPending,
    );
    return this.shutdown
      .drainToOneAnswer(
        requests,
        (read) =>
          this.ingestion.ingestStream(
            read.pipe(
              tap(() => readAhead.read()),
              map((request) => request.readings),
            ),
            () => readAhead.answered(),
            call ? streamMessageTraces(call.getPath()) : untracedMessages,
          ),
        ingestionShuttingDown,
      )
      .pipe(
        map((totals) => ({ result: totals.result, batchCount: totals.batchCount })),
        finalize(() => readAhead.closed()),
      );
  }
}
