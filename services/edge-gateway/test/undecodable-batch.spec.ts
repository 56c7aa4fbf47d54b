import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { decodeStatusDetails } from '@iot-mesh/platform';
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

// Not protobuf: a field tag with wire type 7, which does not exist.
const GARBAGE = Buffer.from('ffffffff', 'hex');
// Long enough for the message after the batches to be read while they are still being ingested.
const INGESTION_MS = 300;

const batch = (batchId: string) =>
  Buffer.from(PublishReadingsRequest.encode(deviceOneBatch(batchId)).finish());

describe('a PublishReadings stream that sends an undecodable message after some batches', () => {
  const running = gatewayOnStubs();
  let client: Client;

  beforeAll(() => {
    running.stubs.answer('VerifyDeviceKey', deviceOneKey);
    running.stubs.answer('IngestBatch', async (request: IngestBatchRequest) => {
      await sleep(INGESTION_MS);
      return IngestBatchResponse.fromJSON({ result: { acceptedCount: request.readings.length } });
    });
    client = new Client(running.gateway.grpcAddress, credentials.createInsecure());
  });
  afterAll(() => client?.close());

  it('acknowledges the batches read before it, then ends with INVALID_ARGUMENT REQUEST.UNDECODABLE', async () => {
    const metadata = new Metadata();
    metadata.set('x-api-key', DEVICE_KEY);
    const acks: string[] = [];
    const ended = await new Promise<ServiceError | undefined>((resolve) => {
      const call = client.makeBidiStreamRequest(
        '/iotmesh.edge.v1.EdgeGateway/PublishReadings',
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => PublishReadingsResponse.decode(bytes),
        metadata,
        { deadline: Date.now() + 10_000 },
      );
      call.on('data', (ack: PublishReadingsResponse) => acks.push(ack.batchId));
      call.on('error', (error: ServiceError) => resolve(error));
      call.on('end', () => resolve(undefined));
      for (const batchId of ['b1', 'b2', 'b3']) call.write(batch(batchId));
      call.write(GARBAGE);
      call.end();
    });

    // Each batch read before the bad message was ingested, and its acknowledgement says so.
    const ingested = running.stubs.requests<IngestBatchRequest>('IngestBatch').flatMap((r) => r.readings);
    expect({
      acks,
      code: ended?.code,
      reason: decodeStatusDetails(ended?.metadata)?.errorInfo?.reason,
      ingested: ingested.map((reading) => reading.readingId),
    }).toEqual({
      acks: ['b1', 'b2', 'b3'],
      code: status.INVALID_ARGUMENT,
      reason: 'REQUEST.UNDECODABLE',
      ingested: ['b1-r1', 'b2-r1', 'b3-r1'],
    });
  });
});
