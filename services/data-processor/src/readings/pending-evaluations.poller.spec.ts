import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '@iot-mesh/platform/testing';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { pino } from 'pino';
import { AlertCursorEvaluator } from '../../test/alert-cursor-evaluator.js';
import { openProcessor, type InProcessProcessor } from '../../test/in-process-processor.js';

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

describe('PendingEvaluationsPoller', () => {
  let dir: string;
  let logs: { msg: string }[];
  const opened: InProcessProcessor[] = [];
  const open = async (evaluator: AlertCursorEvaluator) => {
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => void logs.push(JSON.parse(line) as { msg: string }) },
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
});
