import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { eventually } from '@iot-mesh/platform/testing';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino } from 'pino';
import { AlertCursorEvaluator } from '../../test/alert-cursor-evaluator.js';
import { AlertManagerStub } from '../../test/alert-manager-stub.js';
import { openProcessor, type InProcessProcessor } from '../../test/in-process-processor.js';
import { GrpcAlertManagerEvaluator } from '../infrastructure/grpc-alert-manager.evaluator.js';
import type { ReadingsEvaluator } from './readings-evaluator.port.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const T = NOW - 60_000;
const reading = (readingId: string, deviceId: string, at: number): Reading => ({
  readingId,
  deviceId,
  sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
  value: 90,
  unit: 'celsius',
  timestamp: { seconds: Math.floor(at / 1000), nanos: (at % 1000) * 1_000_000 },
  customSensor: '',
});

type LogLine = { msg: string; level: number; [field: string]: unknown };

describe('PendingEvaluationsPoller', () => {
  let dir: string;
  let logs: LogLine[];
  const opened: InProcessProcessor[] = [];
  const open = async (evaluator: ReadingsEvaluator) => {
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) },
    );
    const processor = await openProcessor({
      dataDir: dir,
      evaluator,
      now: () => NOW,
      env: { PENDING_EVALUATIONS_POLL_INTERVAL_MS: '20' },
      logger,
    });
    opened.push(processor);
    return processor;
  };
  /** What each reading set aside was logged with, beyond pino's own fields. */
  const refusedLogs = () =>
    logs
      .filter((l) => l.msg.startsWith('pending evaluation refused for good'))
      .map(({ msg: _m, time: _t, pid: _p, hostname: _h, ...fields }) => fields);
  const pendingIds = async (processor: InProcessProcessor) =>
    (await processor.store.pendingEvaluations.oldest(100)).map((p) => p.reading.readingId);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'processor-poller-'));
    logs = [];
  });
  afterEach(async () => {
    for (const processor of opened.splice(0)) await processor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the queue in order once the alert manager is back, logging the outage once', async () => {
    const evaluator = new AlertCursorEvaluator();
    const processor = await open(evaluator);
    evaluator.down = true;
    await processor.service.process([reading('a-1', 'attic-1', T), reading('b-1', 'boiler-1', T)]);
    await processor.service.process([reading('a-2', 'attic-1', T + 1)]);
    await processor.poller.onApplicationBootstrap();
    await eventually(() => (evaluator.calls.length >= 5 ? true : undefined), 'polls that fail');
    evaluator.down = false;
    await eventually(async () => ((await pendingIds(processor)).length === 0 ? true : undefined), 'delivery');
    expect(evaluator.evaluated).toEqual(['a-1', 'b-1', 'a-2']);
    const streak = logs.map((l) => l.msg).filter((msg) => msg.startsWith('delivering pending evaluations'));
    expect(streak).toEqual([
      'delivering pending evaluations failed; retrying, quietly until it works again',
      'delivering pending evaluations works again',
    ]);
  });

  it('delivers after a restart what the last instance queued, ahead of newer readings', async () => {
    const before = new AlertCursorEvaluator();
    before.down = true;
    const first = await open(before);
    await first.service.process([reading('q-1', 'quay-1', T), reading('q-2', 'quay-1', T + 1)]);
    await first.close();
    opened.splice(0);

    // A new instance over the same file, its alert manager up.
    const evaluator = new AlertCursorEvaluator();
    const second = await open(evaluator);
    await second.poller.onApplicationBootstrap();
    await second.service.process([reading('q-3', 'quay-1', T + 2)]);
    await eventually(async () => ((await pendingIds(second)).length === 0 ? true : undefined), 'delivery');
    expect(evaluator.missed()).toEqual([]);
    expect(evaluator.evaluated.filter((id, i, all) => all.indexOf(id) === i)).toEqual(['q-1', 'q-2', 'q-3']);
  });
  it('sets aside a reading the alert manager refuses for good, logged once, and delivers the others in order', async () => {
    const evaluator = new AlertCursorEvaluator();
    evaluator.refused.add('p-1');
    const processor = await open(evaluator);
    evaluator.down = true;
    await processor.service.process([reading('a-1', 'attic-1', T), reading('p-1', 'attic-1', T + 1)]);
    await processor.service.process([reading('b-1', 'boiler-1', T)]);
    await processor.service.process([reading('a-2', 'attic-1', T + 2)]);
    evaluator.down = false;
    await processor.poller.onApplicationBootstrap();
    await eventually(async () => ((await pendingIds(processor)).length === 0 ? true : undefined), 'delivery');
    expect(evaluator.evaluated).toEqual(['a-1', 'b-1', 'a-2']);
    expect(evaluator.missed()).toEqual([]);
    const [setAside] = await processor.setAside();
    expect(setAside).toMatchObject({ readingId: 'p-1', failedTime: NOW });

    // Later polls leave it where it is.
    const calls = evaluator.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(evaluator.calls).toHaveLength(calls);
    expect(refusedLogs()).toEqual([
      {
        level: 50,
        deviceId: 'attic-1',
        readingId: 'p-1',
        sequence: setAside.sequence,
        reason: `InvalidArgument READINGS.INVALID: readings[0].sensor_type: unknown value ${SensorType.SENSOR_TYPE_TEMPERATURE}`,
      },
    ]);
    expect(logs.filter((l) => l.msg.startsWith('delivering pending evaluations'))).toEqual([]);
  });

  it('tells a refusal from an outage in the alert manager’s gRPC answers', async () => {
    const alerts = await AlertManagerStub.start();
    const evaluator = new GrpcAlertManagerEvaluator(alerts.address, { mode: 'plaintext' }, 5_000);
    try {
      alerts.refused.add('p-1');
      const processor = await open(evaluator);
      await processor.service.process([reading('a-1', 'attic-1', T), reading('p-1', 'attic-1', T + 1)]);
      alerts.unavailable = true;
      await processor.service.process([reading('a-2', 'attic-1', T + 2)]);
      await expect(processor.handOver.deliverOldest()).rejects.toMatchObject({ code: status.UNAVAILABLE });
      await expect(pendingIds(processor)).resolves.toEqual(['a-1', 'p-1', 'a-2']);

      alerts.unavailable = false;
      await expect(processor.handOver.deliverOldest()).resolves.toBe(false);
      expect(alerts.accepted).toEqual([['a-1'], ['a-2']]);
      await expect(processor.setAside()).resolves.toMatchObject([{ readingId: 'p-1' }]);
      const refused = refusedLogs();
      expect(refused).toMatchObject([{ readingId: 'p-1' }]);
      expect(refused[0].reason).toMatch(/^InvalidArgument READINGS.INVALID: readings\[0\].sensor_type: /);
      await processor.service.process([reading('a-3', 'attic-1', T + 3)]);
      expect(alerts.accepted.at(-1)).toEqual(['a-3']);
    } finally {
      evaluator.onModuleDestroy();
      await alerts.stop();
    }
  });
});
