import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { firstValueFrom, of } from 'rxjs';
import { tracedIngestion } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

const SERVER = 2;
const CLIENT = 3;
const BATCH_SPAN = 'grpc.iotmesh.ingestion.v1.SensorIngestion/IngestStream message';
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('the traces of an IngestStream call', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  const traced = tracedIngestion(registry, processor);

  it('gives each batch a trace of its own, linked to the stream', async () => {
    const streamTraceId = hex(16);
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${streamTraceId}-${hex(8)}-01`);
    const { client, collector } = traced;
    const response = await firstValueFrom(
      client.service.ingestStream(
        of({ readings: [reading('traced-0')] }, { readings: [reading('traced-1')] }),
        metadata,
      ),
    );
    expect(response.batchCount).toBe(2);

    const [stream] = await collector.spansWhere(
      (span) => span.traceId === streamTraceId && span.kind === SERVER,
      1,
    );
    expect(stream?.name).toBe('grpc.iotmesh.ingestion.v1.SensorIngestion/IngestStream');
    // The stream's span ends last: what its batches did had been exported before it, in traces of their own.
    expect(collector.spans.filter((span) => span.traceId === streamTraceId)).toEqual([stream]);
    const batches = await collector.spansWhere(
      (span) => span.name === BATCH_SPAN && span.links.some((link) => link.spanId === stream?.spanId),
      2,
    );
    expect(batches.map((batch) => [batch.parentSpanId, batch.statusCode])).toEqual([
      ['', 0],
      ['', 0],
    ]);
    expect(new Set([streamTraceId, ...batches.map((batch) => batch.traceId)]).size).toBe(3);
    // What a batch does (forwarding it to the processor) is in the batch's trace, not in the stream's.
    for (const batch of batches) {
      const forward = await collector.spansWhere(
        (span) => span.traceId === batch.traceId && span.name.endsWith('DataProcessor/ProcessReadings'),
        1,
      );
      expect(forward).toEqual([expect.objectContaining({ kind: CLIENT, parentSpanId: batch.spanId })]);
    }
  });
});
