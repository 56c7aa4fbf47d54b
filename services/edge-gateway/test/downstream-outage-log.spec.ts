import { Writable } from 'node:stream';
import { status } from '@grpc/grpc-js';
import {
  createGrpcClient,
  toGrpcError,
  UnavailableError,
  ValidationError,
  type GrpcClient,
} from '@iot-mesh/platform';
import { freePort, type ServiceProcess } from '@iot-mesh/platform/testing';
import { VerifyDeviceKeyResponse } from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { SensorIngestionClient } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { pino } from 'pino';
import { firstValueFrom } from 'rxjs';
import { DOWNSTREAM_APIS } from '../src/downstream/downstream-clients.js';
import { downstreamOutageLog, OUTAGE_QUIET_MS } from '../src/downstream/downstream-outages.js';
import { startDownstreamStubs, type DownstreamStubs } from './downstream-stubs.js';
import { DEVICE_KEY, startGateway } from './gateway-process.js';

const reading = (readingId: string) => ({
  readingId,
  sensorType: 'SENSOR_TYPE_TEMPERATURE',
  value: 20,
  unit: 'celsius',
  timestamp: new Date().toISOString(),
});
const FAILED = 'calling sensor-ingestion failed; retrying, quietly until it works again';
const BACK = 'calling sensor-ingestion works again';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe("a downstream's outage in the gateway's log", () => {
  let stubs: DownstreamStubs;
  beforeAll(async () => {
    stubs = await startDownstreamStubs();
  });
  afterAll(async () => {
    await stubs?.stop();
  });

  describe('over real gRPC calls', () => {
    let client: GrpcClient<SensorIngestionClient>;
    let now = 0;
    const { logger, lines } = capturingLogger();
    const unavailable = toGrpcError(new UnavailableError('STORAGE.UNAVAILABLE', 'database down'));
    const ingest = () =>
      firstValueFrom(client.service.ingestBatch({ readings: [] })).then(
        () => status.OK,
        (error: { code: number }) => error.code,
      );

    beforeAll(async () => {
      client = createGrpcClient<SensorIngestionClient>(DOWNSTREAM_APIS['sensor-ingestion'].definition, {
        address: stubs.env['SENSOR_INGESTION_ADDRESS'],
        tls: { mode: 'plaintext' },
        // Room for a loaded machine (a CI run): only the stub that answers after it runs into it.
        deadlineMs: 1_000,
        onCallEnd: downstreamOutageLog('sensor-ingestion', logger, () => now),
      });
      // Connected before the first call that counts, so its connection does not eat into the deadline.
      stubs.answer('IngestBatch', () => ({}));
      await ingest();
      lines.length = 0;
    });
    afterAll(() => client?.close());

    it('logs the first failure of a streak with the service, method and code, then its end once', async () => {
      stubs.answer('IngestBatch', () => unavailable);
      expect([await ingest(), await ingest()]).toEqual([status.UNAVAILABLE, status.UNAVAILABLE]);
      // Slower than the deadline: DEADLINE_EXCEEDED, the same streak.
      stubs.answer('IngestBatch', () => new Promise((resolve) => setTimeout(() => resolve({}), 1_500)));
      expect(await ingest()).toBe(status.DEADLINE_EXCEEDED);
      // A success too soon after the last failure does not end it; one after the quiet time does.
      stubs.answer('IngestBatch', () => ({}));
      now += OUTAGE_QUIET_MS - 1;
      expect(await ingest()).toBe(status.OK);
      now += 1;
      expect(await ingest()).toBe(status.OK);
      expect(await ingest()).toBe(status.OK);

      expect(
        lines.map(({ level, msg, downstream, grpc_method, grpc_code, failures, err }) => ({
          level,
          msg,
          downstream,
          grpc_method,
          grpc_code,
          failures,
          err,
        })),
      ).toEqual([
        {
          level: 50,
          msg: FAILED,
          downstream: 'sensor-ingestion',
          grpc_method: 'IngestBatch',
          grpc_code: 'UNAVAILABLE',
          failures: undefined,
          err: 'database down',
        },
        {
          level: 30,
          msg: BACK,
          downstream: 'sensor-ingestion',
          grpc_method: undefined,
          grpc_code: undefined,
          failures: 3,
          err: undefined,
        },
      ]);
    });

    it('takes a refusal as an answer, and a call the gateway cancelled itself as neither', async () => {
      lines.length = 0;
      stubs.answer('IngestBatch', () => unavailable);
      expect(await ingest()).toBe(status.UNAVAILABLE);
      now += OUTAGE_QUIET_MS;
      // Unsubscribing cancels the call (its REST client left): CANCELLED, which ends no streak.
      stubs.answer('IngestBatch', () => new Promise((resolve) => setTimeout(() => resolve({}), 1_000)));
      const call = client.service.ingestBatch({ readings: [] }).subscribe({ error: () => undefined });
      await new Promise((resolve) => setTimeout(resolve, 50));
      call.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.map(({ msg }) => msg)).toEqual([FAILED]);
      // Refused: the service answered, so it is back.
      stubs.answer('IngestBatch', () => toGrpcError(new ValidationError([], 'BATCH.EMPTY')));
      expect(await ingest()).toBe(status.INVALID_ARGUMENT);
      expect(lines.map(({ msg }) => msg)).toEqual([FAILED, BACK]);
    });
  });

  describe('in the gateway process', () => {
    let gateway: ServiceProcess;
    beforeAll(async () => {
      stubs.answer('VerifyDeviceKey', () =>
        VerifyDeviceKeyResponse.fromJSON({ deviceId: 'device-1', keyId: 'key-1' }),
      );
      // Nothing listens there: sensor ingestion is down.
      const down = `127.0.0.1:${await freePort()}`;
      gateway = await startGateway({ ...stubs.env, SENSOR_INGESTION_ADDRESS: down });
    });
    afterAll(async () => {
      await gateway?.stop();
    });

    it('answers 503 to every reading while ingestion is down and logs the outage once', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`http://127.0.0.1:${gateway.ports['HTTP_PORT']}/api/v1/readings`, {
          method: 'POST',
          headers: { 'x-api-key': DEVICE_KEY, 'content-type': 'application/json' },
          body: JSON.stringify(reading(`r${i}`)),
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([503, 503, 503]);
      const outage = gateway.logs.filter((line) => line.msg === FAILED);
      expect(outage).toEqual([
        expect.objectContaining({
          level: 'error',
          downstream: 'sensor-ingestion',
          grpc_method: 'IngestBatch',
          grpc_code: 'UNAVAILABLE',
        }),
      ]);
    });
  });
});
