import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { decodeStatusDetails, type GrpcClient } from '@iot-mesh/platform';
import type { ServiceProcess } from '@iot-mesh/platform/testing';
import { VerifyDeviceKeyResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  type EdgeGatewayClient,
  type PublishReadingsRequest,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { lastValueFrom, of } from 'rxjs';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, edgeClient, errorOf, rest, startGateway } from './gateway-process.js';

const MAX_BATCH_SIZE = 3;
const reading = (n: number) => ({
  readingId: `r-${n}`,
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 21,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
});
const readings = (count: number) => Array.from({ length: count }, (_, n) => reading(n));

/** The refusal as the REST API's error body says it: reason, then each violation's field, reason and text. */
type Refusal = [string, { field: string; reason: string; description: string }[]];

// One rule, one answer: a client that handles BATCH.SIZE needs no case for either API.
describe('a batch with no readings or too many, over REST and over gRPC', () => {
  let stubs: DownstreamStubs;
  let gateway: ServiceProcess;
  let edge: GrpcClient<EdgeGatewayClient>;

  beforeAll(async () => {
    stubs = await startDownstreamStubs();
    stubs.answer('VerifyDeviceKey', () =>
      VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1', deviceStatus: 2 }),
    );
    gateway = await startGateway({ ...stubs.env, MAX_BATCH_SIZE: String(MAX_BATCH_SIZE) });
    edge = edgeClient(gateway);
  });
  afterAll(async () => {
    edge?.close();
    await gateway?.stop();
    await stubs?.stop();
  });

  async function overRest(count: number): Promise<Refusal> {
    const answer = await rest(gateway, 'POST', '/api/v1/readings/batch', {
      headers: { 'x-api-key': DEVICE_KEY },
      body: { readings: readings(count) },
    });
    expect(answer.status).toBe(400);
    const { reason, details } = errorOf(answer);
    return [
      reason,
      (details ?? []).map(({ field = '', reason = '', description = '' }) => ({
        field,
        reason,
        description,
      })),
    ];
  }

  async function overGrpc(count: number): Promise<Refusal> {
    const metadata = new Metadata();
    metadata.set('x-api-key', DEVICE_KEY);
    const batch: PublishReadingsRequest = {
      batchId: 'b1',
      readings: readings(count).map((r) => Reading.fromJSON(r)),
    };
    const error = await lastValueFrom(edge.service.publishReadings(of(batch), metadata)).then(
      () => undefined,
      (failure: ServiceError) => failure,
    );
    const details = decodeStatusDetails(error?.metadata);
    return [details?.errorInfo?.reason ?? '', details?.badRequest?.fieldViolations ?? []];
  }

  it.each([0, MAX_BATCH_SIZE + 1])('%i readings: the same reason, field and text', async (count) => {
    const refusal: Refusal = [
      'REQUEST.INVALID',
      [
        {
          field: 'readings',
          reason: 'BATCH.SIZE',
          description: `a batch holds 1 to ${MAX_BATCH_SIZE} readings`,
        },
      ],
    ];
    expect(await overRest(count)).toEqual(refusal);
    expect(await overGrpc(count)).toEqual(refusal);
    expect(stubs.requests('IngestBatch')).toEqual([]);
  });
});
