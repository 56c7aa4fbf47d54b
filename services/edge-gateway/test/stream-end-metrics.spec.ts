import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient, type GrpcClient } from '@iot-mesh/platform';
import { eventually, RawGrpcCall, rawGrpcSession, scrapeSamples } from '@iot-mesh/platform/testing';
import {
  EdgeGatewayDefinition,
  PublishReadingsRequest,
  PublishReadingsResponse,
  type EdgeGatewayClient,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import {
  IngestBatchResponse,
  type IngestBatchRequest,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { Subject } from 'rxjs';
import { deviceOneBatch, deviceOneKey } from './device-batches.js';
import { gatewayOnStubs } from './downstream-stubs.js';
import { DEVICE_KEY } from './gateway-process.js';

// grpc_server_handled_total must count a PublishReadings stream the client reset, or whose deadline
// passed, as go-grpc-prometheus does (Canceled, DeadlineExceeded), not as the OK that the stream's end
// (its requests end when it is reset, or half-closed just before, as grpc-js cancels) sends into the void.

const DEADLINE_MS = 1_500;
const PUBLISH_READINGS = '/iotmesh.edge.v1.EdgeGateway/PublishReadings';

describe('the server metrics of PublishReadings streams that the client ends', () => {
  const running = gatewayOnStubs();
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(() => {
    running.stubs.answer('VerifyDeviceKey', deviceOneKey);
    running.stubs.answer('IngestBatch', (request: IngestBatchRequest) =>
      IngestBatchResponse.fromJSON({ result: { acceptedCount: request.readings.length } }),
    );
    edge = createGrpcClient<EdgeGatewayClient>(EdgeGatewayDefinition, {
      address: running.gateway.grpcAddress,
      tls: { mode: 'plaintext' },
      deadlineMs: 30_000,
      deadlineByMethodMs: { PublishReadings: DEADLINE_MS },
    });
  });
  afterAll(() => edge?.close());

  /** PublishReadings streams the gateway counted as handled, by code. */
  const handled = async () => {
    const samples = await scrapeSamples(running.gateway.adminUrl, 'grpc_server_handled_total');
    return Object.fromEntries(
      samples
        .filter(({ labels }) => labels.includes('grpc_method="PublishReadings"'))
        .map(({ labels, value }) => [/grpc_code="(\w+)"/.exec(labels)![1], value]),
    );
  };
  /** What the gateway counted once `count` more streams ended, after `before`. */
  const countedAfter = async (before: Record<string, number>, count: number) =>
    eventually(async () => {
      const now = await handled();
      const added = Object.entries(now)
        .map(([code, value]) => [code, value - (before[code] ?? 0)] as const)
        .filter(([, value]) => value > 0);
      return added.reduce((sum, [, value]) => sum + value, 0) >= count
        ? Object.fromEntries(added)
        : undefined;
    }, `${count} PublishReadings streams to be counted`);

  const metadata = () => {
    const md = new Metadata();
    md.set('x-api-key', DEVICE_KEY);
    return md;
  };

  it('counts streams the client reset after an acknowledgement as Canceled', async () => {
    const before = await handled();
    const session = rawGrpcSession(running.gateway.grpcAddress);
    try {
      for (const id of ['c1', 'c2', 'c3']) {
        const call = new RawGrpcCall(session, PUBLISH_READINGS, { 'x-api-key': DEVICE_KEY });
        call.send(PublishReadingsRequest.encode(deviceOneBatch(id)).finish());
        const [ack] = await call.read(1);
        expect(PublishReadingsResponse.decode(ack)).toMatchObject({ batchId: id });
        // RST_STREAM: Node's HTTP/2 server then ends the stream's requests, as a half-close would.
        call.stream.destroy();
      }
      expect(await countedAfter(before, 3)).toEqual({ Canceled: 3 });
    } finally {
      session.close();
    }
  });

  it('counts streams whose deadline passed as DeadlineExceeded', async () => {
    const before = await handled();
    for (const id of ['d1', 'd2', 'd3']) {
      const batches = new Subject<PublishReadingsRequest>();
      const ended = new Promise<ServiceError>((resolve) =>
        edge.service.publishReadings(batches, metadata()).subscribe({ error: resolve }),
      );
      batches.next(deviceOneBatch(id));
      expect((await ended).code).toBe(status.DEADLINE_EXCEEDED);
    }
    expect(await countedAfter(before, 3)).toEqual({ DeadlineExceeded: 3 });
  });
});
