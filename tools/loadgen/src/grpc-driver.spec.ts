import { Metadata } from '@grpc/grpc-js';
import type {
  EdgeGatewayClient,
  PublishReadingsRequest,
  PublishReadingsResponse,
} from '@iot-mesh/proto/iotmesh/edge/v1/edge_gateway';
import { EMPTY, Observable, Subject } from 'rxjs';
import { GrpcDeviceStream, grpcCode, grpcTlsSettings } from './grpc-driver.js';
import { DeviceReadings } from './readings.js';
import { LoadRecorder } from './recorder.js';

interface FakeStream {
  metadata: Metadata;
  received: PublishReadingsRequest[];
  acks: Subject<PublishReadingsResponse>;
  halfClosed: boolean;
  cancelled: boolean;
}

/** A gateway whose streams the test answers by hand. */
function fakeGateway() {
  const streams: FakeStream[] = [];
  const client: EdgeGatewayClient = {
    publishReadings: (requests, metadata) =>
      new Observable<PublishReadingsResponse>((subscriber) => {
        const stream: FakeStream = {
          metadata: metadata ?? new Metadata(),
          received: [],
          acks: new Subject(),
          halfClosed: false,
          cancelled: false,
        };
        streams.push(stream);
        const input = requests.subscribe({
          next: (request) => stream.received.push(request),
          complete: () => (stream.halfClosed = true),
        });
        const output = stream.acks.subscribe(subscriber);
        return () => {
          stream.cancelled = !stream.acks.closed;
          input.unsubscribe();
          output.unsubscribe();
        };
      }),
    publishReading: () => EMPTY,
    watchAlerts: () => EMPTY,
  };
  return { client, streams };
}

const ack = (batchId: string, acceptedCount: number, duplicateCount = 0, rejected: string[] = []) => ({
  batchId,
  acceptedCount,
  duplicateCount,
  rejections: rejected.map((readingId, index) => ({
    index,
    readingId,
    reason: 'READING.OUT_OF_RANGE',
    field: 'value',
    description: '',
  })),
  duplicateIndexes: Array.from({ length: duplicateCount }, (_, i) => acceptedCount + i),
});

describe('a device stream over gRPC', () => {
  const source = () => new DeviceReadings('run', 0, 'lg-00000', 0);

  it('sends batches on one stream with the device key, and counts each ack', async () => {
    const { client, streams } = fakeGateway();
    const recorder = new LoadRecorder();
    const device = new GrpcDeviceStream(client, 'imk_key', recorder, 5_000);
    const readings = source();
    device.send(readings.nextBatch(3, performance.now()));
    device.send(readings.nextBatch(3, performance.now()));
    expect(streams).toHaveLength(1);
    expect(streams[0].metadata.get('authorization')).toEqual(['Bearer imk_key']);
    expect(streams[0].received.map((r) => r.batchId)).toEqual(['run-0-b0', 'run-0-b1']);
    expect(device.inFlight).toBe(2);

    const drained = device.drain();
    streams[0].acks.next(ack('run-0-b0', 3));
    streams[0].acks.next(ack('run-0-b1', 1, 1, ['r']));
    await drained;
    expect(device.inFlight).toBe(0);
    expect(recorder).toMatchObject({ sentCalls: 2, accepted: 4, duplicates: 1, rejected: 1, failedCalls: 0 });
    expect(recorder.latency.totalCount).toBe(2);

    const closed = device.close();
    expect(streams[0].halfClosed).toBe(true);
    streams[0].acks.complete();
    await closed;
    expect(recorder.failedCalls).toBe(0);
  });

  it('fails every waiting batch with the status the stream ended with, then opens a new stream', () => {
    const { client, streams } = fakeGateway();
    const recorder = new LoadRecorder();
    const device = new GrpcDeviceStream(client, 'imk_key', recorder, 5_000);
    const readings = source();
    device.send(readings.nextBatch(2, 0));
    device.send(readings.nextBatch(2, 0));
    streams[0].acks.error(
      Object.assign(new Error('8 RESOURCE_EXHAUSTED'), { code: 8, details: 'rate limit exceeded' }),
    );
    expect(device.inFlight).toBe(0);
    expect(recorder.errorsByCode.get('RESOURCE_EXHAUSTED')).toEqual({
      calls: 2,
      readings: 4,
      example: 'rate limit exceeded',
    });

    device.send(readings.nextBatch(2, 0));
    expect(streams).toHaveLength(2);
    expect(streams[1].received).toHaveLength(1);
    streams[1].acks.complete(); // clears the batch's timer
  });

  it('gives up on a stream whose ack is overdue: it and every later batch end as DEADLINE_EXCEEDED, outcome unknown', async () => {
    const { client, streams } = fakeGateway();
    const recorder = new LoadRecorder();
    const device = new GrpcDeviceStream(client, 'imk_key', recorder, 30);
    const readings = source();
    device.send(readings.nextBatch(1, 0));
    device.send(readings.nextBatch(1, 0));
    await device.drain();
    expect(streams[0].cancelled).toBe(true);
    // The gateway may have stored them before the stream was cancelled: unknown, not failed.
    expect(recorder.unknownByCode.get('DEADLINE_EXCEEDED')).toEqual({
      calls: 2,
      readings: 2,
      example: 'no ack within 30 ms',
    });
    expect(recorder).toMatchObject({ unknownReadings: 2, failedCalls: 0, failedReadings: 0 });
    streams[0].acks.next(ack('run-0-b0', 1)); // too late: no longer counted
    expect(recorder.accepted).toBe(0);
  });

  it('counts batches the gateway never acked when it ends the stream', () => {
    const { client, streams } = fakeGateway();
    const recorder = new LoadRecorder();
    const device = new GrpcDeviceStream(client, 'imk_key', recorder, 5_000);
    device.send(source().nextBatch(5, 0));
    streams[0].acks.complete();
    expect(recorder.errorsByCode.get('STREAM_ENDED')).toMatchObject({ calls: 1, readings: 5 });
  });
});

describe('gRPC helpers', () => {
  it('names status codes as gRPC does', () => {
    expect(grpcCode({ code: 14, details: 'connection refused' })).toEqual({
      code: 'UNAVAILABLE',
      message: 'connection refused',
    });
    expect(grpcCode(new Error('boom'))).toEqual({ code: 'CLIENT_ERROR', message: 'boom' });
  });

  it('turns the TLS options into the platform settings', () => {
    expect(grpcTlsSettings(undefined)).toEqual({ mode: 'plaintext' });
    expect(grpcTlsSettings({})).toEqual({ mode: 'tls' });
    expect(grpcTlsSettings({ caFile: 'ca.pem' })).toEqual({ mode: 'tls', caFile: 'ca.pem' });
    expect(grpcTlsSettings({ caFile: 'ca.pem', certFile: 'c.pem', keyFile: 'k.pem' })).toEqual({
      mode: 'mtls',
      caFile: 'ca.pem',
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
  });
});
