import { startBreakingGateway, type StreamBreak } from '../test/breaking-gateway.js';
import { grpcFleetDriver, streamBroke } from './grpc-driver.js';
import { parseLoadOptions } from './load-options.js';
import { DeviceReadings } from './readings.js';
import { LoadRecorder } from './recorder.js';

describe('a PublishReadings stream that ends under a batch the gateway has not acked', () => {
  it.each<[StreamBreak, 'unknown' | 'failed', string, RegExp]>([
    // The gateway may have stored it before the connection or the stream went.
    ['connection-dropped', 'unknown', 'UNAVAILABLE', /^Connection dropped$|ECONNRESET/],
    ['stream-reset', 'unknown', 'INTERNAL', /RST_STREAM/],
    // The gateway's own answer: it did not take the batch.
    ['status-unavailable', 'failed', 'UNAVAILABLE', /^sensor-ingestion is unavailable$/],
  ])('%s: the batch counts as %s', async (how, outcome, code, message) => {
    const gateway = await startBreakingGateway(how);
    const driver = grpcFleetDriver(
      parseLoadOptions({
        grpcTarget: gateway.address,
        httpBaseUrl: 'http://127.0.0.1:1',
        operatorToken: 't',
      }),
    );
    try {
      const recorder = new LoadRecorder();
      const device = { index: 0, deviceId: 'lg-00000', apiKey: 'imk_key', keyId: 'k0' };
      const sender = driver.sender(device, recorder);
      const readings = new DeviceReadings('run', 0, device.deviceId, 0);
      sender.send(readings.nextBatch(2, performance.now()));
      await sender.drain();
      sender.send(readings.nextBatch(3, performance.now()));
      await sender.drain();
      await sender.close();

      expect(recorder.accepted).toBe(2);
      const [counted, other] =
        outcome === 'unknown'
          ? [recorder.unknownByCode, recorder.errorsByCode]
          : [recorder.errorsByCode, recorder.unknownByCode];
      expect([...counted.keys()]).toEqual([code]);
      expect(counted.get(code)).toEqual({
        calls: 1,
        readings: 3,
        example: expect.stringMatching(message) as string,
      });
      expect(other.size).toBe(0);
    } finally {
      driver.close();
      await gateway.close();
    }
  });
});

describe('what a stream that ended leaves of the batches it had not acked', () => {
  it.each([
    ['DEADLINE_EXCEEDED', 'no ack within 30 ms'],
    ['CANCELLED', 'Call cancelled'],
    ['UNAVAILABLE', 'Connection dropped'],
    ['UNAVAILABLE', 'read ECONNRESET'],
    ['INTERNAL', 'Received RST_STREAM with code 2 (Internal server error)'],
  ])('unknown after %s %j: the stream broke, the gateway may have stored them', (code, message) => {
    expect(streamBroke(code, message)).toBe(true);
  });

  it.each([
    ['UNAVAILABLE', 'sensor-ingestion is unavailable'],
    ['UNAVAILABLE', 'No connection established. Last error: read ECONNRESET'],
    ['UNAVAILABLE', 'Stream refused by server'],
    ['INTERNAL', 'sensor-ingestion answered IngestBatch without a result'],
    ['RESOURCE_EXHAUSTED', 'rate limit exceeded'],
    ['STREAM_ENDED', 'the gateway ended the stream before acking'],
  ])('failed after %s %j: the gateway answered, or never got them', (code, message) => {
    expect(streamBroke(code, message)).toBe(false);
  });
});
