import { setTimeout as sleep } from 'node:timers/promises';
import { eventually, RawGrpcCall, rawGrpcSession, scrapeMetricSum } from '@iot-mesh/platform/testing';
import {
  PublishReadingsRequest,
  PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  IngestBatchResponse,
  type IngestBatchRequest,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { deviceOneBatch, deviceOneKey } from './device-batches.js';
import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY } from './gateway-process.js';

// A client that sends batches and does not read their acknowledgements (HTTP/2 flow control holds them
// in the gateway, as a Go, C-core or Envoy client does) must be held back at PUBLISH_STREAM_READ_AHEAD
// batches, instead of having the gateway read, ingest and acknowledge into its own memory all it sends.

const READ_AHEAD = 8;
const BATCHES = 40;
const READINGS_PER_BATCH = 10;
// Each acknowledgement is larger than the client's 64 KiB HTTP/2 window: none gets through unread.
const REJECTION_TEXT = 'x'.repeat(8_000);

const batch = (index: number) =>
  PublishReadingsRequest.encode(deviceOneBatch(`b${index}`, READINGS_PER_BATCH)).finish();

describe('a PublishReadings client that does not read its acknowledgements', () => {
  const running = gatewayOnStubs({ PUBLISH_STREAM_READ_AHEAD: String(READ_AHEAD) });

  beforeAll(() => {
    running.stubs.answer('VerifyDeviceKey', deviceOneKey);
    running.stubs.answer('IngestBatch', (request: IngestBatchRequest) =>
      IngestBatchResponse.fromJSON({
        result: {
          rejections: request.readings.map((_, index) => ({
            index,
            reason: 'READING.OUT_OF_RANGE',
            field: 'value',
            description: REJECTION_TEXT,
          })),
        },
      }),
    );
  });

  const batchesIngested = () =>
    running.stubs.requests<IngestBatchRequest>('IngestBatch').flatMap((r) => r.readings).length /
    READINGS_PER_BATCH;
  const batchesPending = () =>
    scrapeMetricSum(running.gateway.adminUrl, 'edge_gateway_publish_batches_pending');

  it('is read no further than the read-ahead, and acknowledged in full once it reads', async () => {
    const session = rawGrpcSession(running.gateway.grpcAddress);
    try {
      const call = new RawGrpcCall(session, '/iotmesh.edge.v1.EdgeGateway/PublishReadings', {
        'x-api-key': DEVICE_KEY,
      });
      for (let i = 0; i < BATCHES; i++) call.send(batch(i));
      await eventually(
        () => (batchesIngested() >= READ_AHEAD ? true : undefined),
        'the read-ahead to be ingested',
      );
      // Given that time, a gateway that read on would have ingested them all (it did, in milliseconds).
      await sleep(1_000);
      // What the gateway holds: the batches it read, each ingested and its acknowledgement unsent (plus
      // what grpc-js decoded ahead of the handler, at most 16 messages, which are not ingested).
      expect({ ingested: batchesIngested(), pending: await batchesPending() }).toEqual({
        ingested: READ_AHEAD,
        pending: READ_AHEAD,
      });

      // Reading, the client gets every acknowledgement in order, and the gateway reads on as it does.
      call.stream.end();
      const acks = (await call.read(BATCHES)).map((ack) => PublishReadingsResponse.decode(ack));
      expect(acks.map((ack) => ack.batchId)).toEqual(Array.from({ length: BATCHES }, (_, i) => `b${i}`));
      expect(acks.every((ack) => ack.rejections.length === READINGS_PER_BATCH)).toBe(true);
      await eventually(async () => ((await batchesPending()) === 0 ? true : undefined), 'nothing pending');
    } finally {
      session.close();
    }
  });
});
