import { startHttpStub, type StubReply, type StubRequest } from '../test/http-stub.js';
import { deviceAgents } from './http-agents.js';
import { parseLoadOptions } from './load-options.js';
import { DeviceReadings } from './readings.js';
import { LoadRecorder } from './recorder.js';
import { RestDeviceRequests, readingJson, restFleetDriver } from './rest-driver.js';

const gatewayError = (status: number, code: string, reason: string, details: object[] = []): StubReply => ({
  status,
  body: { error: { code: status, status: code, reason, message: `${reason} happened`, details } },
});

describe('a device over REST', () => {
  let answer: (request: StubRequest) => StubReply;
  let stub: Awaited<ReturnType<typeof startHttpStub>>;
  beforeAll(async () => {
    stub = await startHttpStub((request) => answer(request));
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.requests.splice(0));

  const run = async (single: boolean, batches: number, size: number, timeoutMs = 5_000, connections = 6) => {
    const recorder = new LoadRecorder();
    const agent = deviceAgents({ httpBaseUrl: stub.url, connectionsPerDevice: connections })();
    const device = new RestDeviceRequests(stub.url, 'imk_key', single, recorder, timeoutMs, agent);
    const readings = new DeviceReadings('run', 0, 'lg-00000', 0);
    for (let i = 0; i < batches; i++) device.send(readings.nextBatch(size, performance.now()));
    expect(device.inFlight).toBe(batches);
    await device.drain();
    expect(device.inFlight).toBe(0);
    await device.close();
    return recorder;
  };

  it.each([2, 8])(
    'sends its calls over at most the %i connections it keeps, later calls waiting for one',
    async (connections) => {
      answer = () => ({ status: 200, body: { acceptedCount: 1 }, delayMs: 50 });
      const opened = stub.connections();
      const recorder = await run(false, 12, 1, 5_000, connections);
      expect(recorder.accepted).toBe(12);
      expect(stub.connections() - opened).toBe(connections);
    },
  );

  it("gives each of a run's devices its own --connections connections", async () => {
    answer = () => ({ status: 200, body: { readingId: 'r', duplicate: false }, delayMs: 50 });
    const driver = restFleetDriver(
      parseLoadOptions({ httpBaseUrl: stub.url, operatorToken: 't', batchSize: 1, connectionsPerDevice: 2 }),
    );
    const recorder = new LoadRecorder();
    const opened = stub.connections();
    const devices = [0, 1].map((index) => {
      const deviceId = `lg-0000${index}`;
      const sender = driver.sender({ index, deviceId, apiKey: 'imk_key', keyId: '' }, recorder);
      const readings = new DeviceReadings('run', index, deviceId, 0);
      for (let i = 0; i < 6; i++) sender.send(readings.nextBatch(1, performance.now()));
      return sender;
    });
    await Promise.all(devices.map((sender) => sender.drain()));
    await Promise.all(devices.map((sender) => sender.close()));
    expect(recorder.accepted).toBe(12);
    expect(stub.connections() - opened).toBe(4);
  });

  it('posts batches as proto3 JSON with the device key and counts the outcome', async () => {
    answer = () => ({
      status: 200,
      body: {
        acceptedCount: 3,
        duplicateCount: 1,
        rejections: [{ index: 3, readingId: 'x', reason: 'READING.OUT_OF_RANGE' }],
      },
    });
    const recorder = await run(false, 2, 5);
    expect(stub.requests).toHaveLength(2);
    expect(stub.requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/readings/batch',
      headers: { authorization: 'Bearer imk_key', 'content-type': 'application/json' },
    });
    const sent = (stub.requests[0].body as { readings: Record<string, unknown>[] }).readings;
    expect(sent).toHaveLength(5);
    expect(sent[0]).toEqual({
      readingId: 'run-0-000000000',
      deviceId: 'lg-00000',
      sensorType: 'SENSOR_TYPE_TEMPERATURE',
      value: 18,
      unit: 'celsius',
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
    });
    expect(recorder).toMatchObject({ accepted: 6, duplicates: 2, rejected: 2, failedCalls: 0 });
    expect(recorder.rejectionsByReason.get('READING.OUT_OF_RANGE')).toBe(2);
  });

  it('uses the single-reading endpoint for batches of one; a refused reading is a rejection, not an error', async () => {
    let n = 0;
    answer = () =>
      n++ === 0
        ? { status: 200, body: { readingId: 'a', duplicate: false } }
        : n === 2
          ? { status: 200, body: { readingId: 'b', duplicate: true } }
          : gatewayError(400, 'INVALID_ARGUMENT', 'READINGS.INVALID', [
              { field: 'timestamp', reason: 'READING.TIMESTAMP_IN_FUTURE', description: 'ahead' },
            ]);
    const recorder = await run(true, 3, 1);
    expect(stub.requests.every((r) => r.path === '/api/v1/readings')).toBe(true);
    expect((stub.requests[0].body as { readingId: string }).readingId).toBe('run-0-000000000');
    expect(recorder).toMatchObject({ accepted: 1, duplicates: 1, rejected: 1, failedCalls: 0 });
    expect(recorder.rejectionsByReason.get('READING.TIMESTAMP_IN_FUTURE')).toBe(1);
  });

  it('counts refused calls by HTTP status with the reason as example', async () => {
    answer = () => gatewayError(429, 'RESOURCE_EXHAUSTED', 'RATE_LIMIT.EXCEEDED');
    const recorder = await run(false, 2, 4);
    expect(recorder.errorsByCode.get('HTTP 429')).toEqual({
      calls: 2,
      readings: 8,
      example: 'RATE_LIMIT.EXCEEDED: RATE_LIMIT.EXCEEDED happened',
    });
    expect(recorder.latency.totalCount).toBe(0);
  });

  it('counts calls that outlive the time limit as TIMEOUT, of unknown outcome rather than failed', async () => {
    answer = () => ({ status: 200, body: { acceptedCount: 1 }, delayMs: 2_000 });
    const recorder = await run(false, 1, 1, 50);
    expect(recorder.unknownByCode.get('TIMEOUT')).toMatchObject({ calls: 1, readings: 1 });
    expect(recorder).toMatchObject({
      unknownCalls: 1,
      unknownReadings: 1,
      failedCalls: 0,
      failedReadings: 0,
    });
    expect(recorder.errorsByCode.size).toBe(0);
  });

  it('counts a 504 from a proxy in front as of unknown outcome too', async () => {
    answer = () => ({ status: 504, body: 'upstream request timeout' });
    const recorder = await run(false, 1, 3);
    expect(recorder.unknownByCode.get('HTTP 504')).toEqual({
      calls: 1,
      readings: 3,
      example: 'upstream request timeout',
    });
    expect(recorder.failedCalls).toBe(0);
  });

  it('counts an unreachable gateway as NETWORK_ERROR', async () => {
    const recorder = new LoadRecorder();
    const device = new RestDeviceRequests(
      'http://127.0.0.1:1',
      'imk_key',
      false,
      recorder,
      5_000,
      deviceAgents({ httpBaseUrl: 'http://127.0.0.1:1', connectionsPerDevice: 1 })(),
    );
    device.send(new DeviceReadings('run', 0, 'lg-00000', 0).nextBatch(2, 0));
    await device.drain();
    expect(recorder.errorsByCode.get('NETWORK_ERROR')).toMatchObject({ calls: 1, readings: 2 });
    expect(recorder.unknownCalls).toBe(0);
  });

  it('writes value 0 out, which the gateway requires', () => {
    const [reading] = new DeviceReadings('run', 0, 'lg-00000', 0).nextBatch(1, 0).readings;
    expect(readingJson({ ...reading, value: 0 })).toMatchObject({ value: 0 });
  });
});
