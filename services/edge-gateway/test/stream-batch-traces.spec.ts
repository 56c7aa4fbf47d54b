import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import type { GrpcClient } from '@iot-mesh/platform';
import { startOtlpCollector, type ServiceProcess } from '@iot-mesh/platform/testing';
import {
  type EdgeGatewayClient,
  type PublishReadingsRequest,
  type PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  IngestBatchResponse,
  type IngestBatchRequest,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { firstValueFrom, lastValueFrom, Subject, toArray } from 'rxjs';
import { deviceOneBatch, deviceOneKey } from './device-batches.js';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, startGateway } from './gateway-process.js';

const SERVER = 2;
const CLIENT = 3;
const BATCH_SPAN = 'grpc.iotmesh.edge.v1.EdgeGateway/PublishReadings message';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('the traces of a PublishReadings stream', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', deviceOneKey);
    stubs.answer('IngestBatch', (request: IngestBatchRequest) =>
      IngestBatchResponse.fromJSON({ result: { acceptedCount: request.readings.length } }),
    );
    gateway = await startGateway({
      ...stubs.env,
      ...collector.exporterEnv,
    });
    edge = edgeClient(gateway, { deadlineMs: 30_000 });
  });
  afterAll(async () => {
    edge?.close();
    await gateway?.stop();
    await stubs?.stop();
    await collector?.close();
  });

  it('gives each batch a trace of its own, linked to the stream, whole while the stream is open', async () => {
    const streamTraceId = hex(16);
    const metadata = new Metadata();
    metadata.set('x-api-key', DEVICE_KEY);
    metadata.set('traceparent', `00-${streamTraceId}-${hex(8)}-01`);
    const batches = new Subject<PublishReadingsRequest>();
    const responses = new Subject<PublishReadingsResponse>();
    const answered = lastValueFrom(responses.pipe(toArray()));
    answered.catch(() => undefined); // awaited below; a failure before that is the assertions' to report
    edge.service.publishReadings(batches, metadata).subscribe(responses);
    // One batch after the other, so that the two are not merged into one IngestBatch call.
    for (const batchId of ['b1', 'b2']) {
      const answer = firstValueFrom(responses);
      batches.next(deviceOneBatch(batchId));
      await expect(answer).resolves.toMatchObject({ batchId });
    }

    // While the stream is still open: two traces, each whole.
    const batchSpans = await collector.spansWhere(
      (span) => span.name === BATCH_SPAN && span.links.some((link) => link.traceId === streamTraceId),
      2,
    );
    expect(batchSpans).toHaveLength(2);
    const [first, second] = batchSpans;
    expect(first.traceId).not.toBe(second.traceId);
    const streamSpanId = first.links[0].spanId;
    for (const batch of batchSpans) {
      expect(batch).toMatchObject({
        kind: SERVER,
        parentSpanId: '',
        statusCode: 0,
        links: [{ traceId: streamTraceId, spanId: streamSpanId }],
      });
      expect(batch.traceId).not.toBe(streamTraceId);
      const ingest = await collector.spansWhere(
        (span) => span.traceId === batch.traceId && span.name.endsWith('SensorIngestion/IngestBatch'),
        1,
      );
      expect(ingest).toEqual([expect.objectContaining({ kind: CLIENT, parentSpanId: batch.spanId })]);
    }
    // Every span of those traces has its parent in them.
    const inBatches = collector.spans.filter((span) => batchSpans.some((b) => b.traceId === span.traceId));
    const ids = new Set(inBatches.map((span) => span.spanId));
    expect(inBatches.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId))).toEqual([]);

    // Once the stream ends, its own span arrives: the one the batches link to, in the caller's trace.
    batches.complete();
    await expect(answered).resolves.toHaveLength(2);
    const [stream] = await collector.spansWhere(
      (span) => span.traceId === streamTraceId && span.kind === SERVER,
      1,
    );
    expect(stream).toMatchObject({
      name: 'grpc.iotmesh.edge.v1.EdgeGateway/PublishReadings',
      spanId: streamSpanId,
    });
  });
});
