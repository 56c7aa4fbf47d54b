import { randomBytes } from 'node:crypto';
import {
  eventually,
  missingMergeLinks,
  scrapeMetricSum,
  startOtlpCollector,
  type ServiceProcess,
} from '@iot-mesh/platform/testing';
import { VerifyDeviceKeyResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  IngestBatchResponse,
  type IngestBatchRequest,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { startGateway } from './gateway-process.js';

const SERVER = 2;
const CLIENT = 3;
const INGEST_BATCH = 'grpc.iotmesh.ingestion.v1.SensorIngestion/IngestBatch';
const FOLLOWERS = 5;
const hex = (bytes: number) => randomBytes(bytes).toString('hex');

describe('the traces of REST readings that share one IngestBatch call', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
  let release: () => void;

  beforeAll(async () => {
    collector = await startOtlpCollector();
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () =>
      VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1' }),
    );
    // Every IngestBatch call waits for the test, so that readings gather behind the first one.
    const held = new Promise<void>((resolve) => (release = resolve));
    stubs.answer('IngestBatch', async (request: IngestBatchRequest) => {
      await held;
      return IngestBatchResponse.fromJSON({ result: { acceptedCount: request.readings.length } });
    });
    // One call out at a time: the readings sent while it is out go together when it returns.
    gateway = await startGateway({
      ...stubs.env,
      ...collector.exporterEnv,
      SINGLE_READING_MAX_IN_FLIGHT: '1',
    });
  });
  afterAll(async () => {
    release?.();
    await gateway?.stop();
    await stubs?.stop();
    await collector?.close();
  });

  /** One reading, in a trace of its own; each with its own key, so that the registry sees each request. */
  const publish = (traceId: string, index: number) =>
    fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/readings`, {
      method: 'POST',
      headers: {
        'x-api-key': `imk_${hex(8)}_${'k'.repeat(43)}`,
        'content-type': 'application/json',
        traceparent: `00-${traceId}-${hex(8)}-01`,
      },
      body: JSON.stringify({
        readingId: `merged-${index}`,
        sensorType: 'SENSOR_TYPE_TEMPERATURE',
        value: 20,
        unit: 'celsius',
        timestamp: new Date().toISOString(),
      }),
    }).then((response) => response.status);

  it("keeps each caller's trace: the call in its first caller's trace, linked both ways with the others", async () => {
    const traceIds = Array.from({ length: FOLLOWERS + 1 }, () => hex(16));
    const first = publish(traceIds[0], 0);
    await eventually(() => (stubs.requests('IngestBatch').length === 1 ? true : undefined), 'the first call');
    const followers = traceIds.slice(1).map((traceId, index) => publish(traceId, index + 1));
    await eventually(
      async () =>
        (await scrapeMetricSum(
          gateway.adminUrl,
          'edge_gateway_ingest_readings_waiting',
          'merge="single"',
        )) === FOLLOWERS
          ? true
          : undefined,
      "every follower's reading waiting",
    );
    release();
    expect(await Promise.all([first, ...followers])).toEqual(Array(FOLLOWERS + 1).fill(200));
    const calls = stubs.requests<IngestBatchRequest>('IngestBatch');
    expect(calls.map((call) => call.readings.length)).toEqual([1, FOLLOWERS]);
    // The trace of the reading the merged call carries first (readings travel in their callers' order).
    const carrierTrace = traceIds[Number(calls[1].readings[0].readingId.replace('merged-', ''))];

    // Every request's server span, and the two IngestBatch client spans.
    const requests = await collector.spansWhere(
      (span) => traceIds.includes(span.traceId) && span.kind === SERVER,
      traceIds.length,
    );
    const ingestCalls = await collector.spansWhere((span) => span.name === INGEST_BATCH, 2);
    expect(ingestCalls.map((call) => call.kind)).toEqual([CLIENT, CLIENT]);
    const spanOf = (traceId: string) => requests.find((span) => span.traceId === traceId)!;

    // Each call is in the trace of the first reading it carries, under that request's span: never in
    // the trace of a request whose call had returned before it was sent.
    const [alone, merged] = [...ingestCalls].sort((a, b) => a.links.length - b.links.length);
    expect(alone).toMatchObject({
      traceId: traceIds[0],
      parentSpanId: spanOf(traceIds[0]).spanId,
      links: [],
    });
    expect(merged).toMatchObject({ traceId: carrierTrace, parentSpanId: spanOf(carrierTrace).spanId });
    // It links to the spans of the other requests it carries, and each of those links back to it.
    const others = traceIds.slice(1).filter((traceId) => traceId !== carrierTrace);
    expect(missingMergeLinks(merged, others.map(spanOf))).toEqual([]);
    expect([traceIds[0], carrierTrace].map((traceId) => spanOf(traceId).links)).toEqual([[], []]);
  });
});
