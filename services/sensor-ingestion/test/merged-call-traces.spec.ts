import { randomBytes } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import { eventually, missingMergeLinks, scrapeMetricSum } from '@iot-mesh/platform/testing';
import { firstValueFrom } from 'rxjs';
import { tracedIngestion, until } from './ingestion-process.js';
import { DEVICES, reading } from './readings.js';
import { StubProcessor, StubRegistry } from './stub-servers.js';

const SERVER = 2;
const CLIENT = 3;
const PROCESS_READINGS = 'grpc.iotmesh.processor.v1.DataProcessor/ProcessReadings';
const FOLLOWERS = 5;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

/** An IngestBatch call of one reading, in a trace of its own. */
interface Caller {
  readingId: string;
  traceId: string;
  sampled: boolean;
}
const caller = (readingId: string, sampled = true): Caller => ({ readingId, traceId: hex(16), sampled });

describe('the traces of IngestBatch calls whose readings share one ProcessReadings call', () => {
  const registry = new StubRegistry(DEVICES);
  const processor = new StubProcessor();
  // One call out at a time: the readings that arrive while it is out go together when it returns.
  const traced = tracedIngestion(registry, processor, { FORWARD_MAX_IN_FLIGHT: '1' });

  const ingest = ({ readingId, traceId, sampled }: Caller) => {
    const metadata = new Metadata();
    metadata.set('traceparent', `00-${traceId}-${hex(8)}-${sampled ? '01' : '00'}`);
    return firstValueFrom(traced.client.service.ingestBatch({ readings: [reading(readingId)] }, metadata));
  };
  const startedCalls = () =>
    scrapeMetricSum(traced.ingestion.adminUrl, 'grpc_server_started_total', 'IngestBatch');
  const waitingReadings = () =>
    scrapeMetricSum(traced.ingestion.adminUrl, 'ingestion_forward_readings_waiting');

  /** Two IngestBatch calls of one reading each: `first`, then, while its forwarding is held, `followers`. */
  const ingestBehindOne = async (first: Caller, followers: Caller[]) => {
    const callsBefore = processor.calls.length;
    const startedBefore = await startedCalls();
    const release = processor.hold();
    const firstAnswer = ingest(first);
    await until(() => processor.arrivals === callsBefore + 1);
    const answers = followers.map(ingest);
    await eventually(
      async () => ((await startedCalls()) === startedBefore + followers.length + 1 ? true : undefined),
      'every call started',
    );
    // Every follower's reading gathered for the next call, behind the held one.
    await eventually(
      async () => ((await waitingReadings()) === followers.length ? true : undefined),
      "every follower's reading waiting",
    );
    release();
    expect(
      (await Promise.all([firstAnswer, ...answers])).map((answer) => answer.result?.acceptedCount),
    ).toEqual(Array(followers.length + 1).fill(1));
    const calls = processor.calls.slice(callsBefore);
    // The readings of the merged call, in its callers' order, and the trace each call passed on.
    return {
      merged: calls[1]?.map((forwarded) => forwarded.readingId) ?? [],
      passedOn: processor.traceparents.slice(callsBefore).map((header) => header.split('-').slice(1)),
      count: calls.length,
    };
  };

  it("passes on the first caller's trace, and links the merged call with the other callers both ways", async () => {
    const callers = Array.from({ length: FOLLOWERS + 1 }, (_, index) => caller(`linked-${index}`));
    const { merged, passedOn, count } = await ingestBehindOne(callers[0], callers.slice(1));
    expect(count).toBe(2);
    expect(merged).toHaveLength(FOLLOWERS);

    // The processor was called in the trace of the first reading each call carried.
    const carrierTrace = callers.find((c) => c.readingId === merged[0])!.traceId;
    const traceIds = callers.map((c) => c.traceId);
    expect(passedOn.map(([traceId]) => traceId)).toEqual([traceIds[0], carrierTrace]);

    const handled = await traced.collector.spansWhere(
      (span) => traceIds.includes(span.traceId) && span.kind === SERVER,
      traceIds.length,
    );
    const spanOf = (traceId: string) => handled.find((span) => span.traceId === traceId)!;
    const [mergedCall] = await traced.collector.spansWhere(
      (span) => span.name === PROCESS_READINGS && span.traceId === carrierTrace,
      1,
    );
    expect(mergedCall).toMatchObject({ kind: CLIENT, parentSpanId: spanOf(carrierTrace).spanId });
    const others = traceIds.slice(1).filter((traceId) => traceId !== carrierTrace);
    expect(missingMergeLinks(mergedCall, others.map(spanOf))).toEqual([]);
  });

  it('passes on the trace of the first sampled caller, when the first is not sampled', async () => {
    const [first, ...followers] = [
      caller('sampling-0'),
      caller('sampling-1', false),
      caller('sampling-2', false),
      caller('sampling-3'),
    ];
    const { merged, passedOn } = await ingestBehindOne(first, followers);
    expect(merged).toEqual(['sampling-1', 'sampling-2', 'sampling-3']);
    expect(passedOn[1]).toEqual([followers[2].traceId, expect.any(String), '01']);
    const [call] = await traced.collector.spansWhere(
      (span) => span.name === PROCESS_READINGS && span.traceId === followers[2].traceId,
      1,
    );
    expect(call).toMatchObject({ kind: CLIENT, links: [] });
  });
});
