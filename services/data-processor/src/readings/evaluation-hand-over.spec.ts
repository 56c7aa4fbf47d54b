import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnavailableError } from '@iot-mesh/platform';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import type { ReadingsEvaluator } from './readings-evaluator.port.js';
import { AlertCursorEvaluator } from '../../test/alert-cursor-evaluator.js';
import { openProcessor, type InProcessProcessor } from '../../test/in-process-processor.js';
import { reading } from '../../test/readings.fixture.js';
import { PENDING_BATCH } from './evaluation-hand-over.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const T = NOW - 60_000;
const stored = { duplicateCount: 0, duplicateIndexes: [] };

describe('EvaluationHandOver', () => {
  let dir: string;
  let evaluator: AlertCursorEvaluator;
  let processor: InProcessProcessor;
  const open = async (env: Record<string, string> = {}, using: ReadingsEvaluator = evaluator) => {
    await processor?.close();
    processor = await openProcessor({ dataDir: dir, evaluator: using, now: () => NOW, env });
  };
  const send = (readings: Reading[]) => processor.service.process(readings);
  const pendingIds = async () =>
    (await processor.store.pendingEvaluations.oldest(10_000)).map((p) => p.reading.readingId);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-hand-over-'));
    evaluator = new AlertCursorEvaluator();
    await open();
  });
  afterEach(async () => {
    await processor.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has readings whose evaluation failed evaluated before a newer reading of their device', async () => {
    // Batch 1: the boiler overheats while the alert manager blips; stored and queued, so answered.
    evaluator.down = true;
    await expect(
      send([reading('b1-1', 'boiler-1', 95, T), reading('b1-2', 'boiler-1', 96, T + 1_000)]),
    ).resolves.toEqual({ processedCount: 2, ...stored });
    // Batch 2, newer, goes through: batch 1 goes ahead of it in the same call.
    evaluator.down = false;
    await send([reading('b2-1', 'boiler-1', 60, T + 2_000)]);
    expect(evaluator.calls).toEqual([
      ['b1-1', 'b1-2'],
      ['b1-1', 'b1-2', 'b2-1'],
    ]);
    expect(evaluator.missed()).toEqual([]);
    await expect(pendingIds()).resolves.toEqual([]);
  });

  it('sends ahead only the queued readings of the call’s devices, and leaves the rest to the poller', async () => {
    evaluator.down = true;
    await send([reading('a-1', 'attic-1', 1, T)]);
    await send([reading('c-1', 'cellar-1', 2, T)]);
    evaluator.down = false;
    await send([reading('a-2', 'attic-1', 3, T + 1_000), reading('x-1', 'other-1', 4, T)]);
    expect(evaluator.calls.at(-1)).toEqual(['a-1', 'a-2', 'x-1']);
    await expect(pendingIds()).resolves.toEqual(['c-1']);
    await expect(processor.handOver.deliverOldest()).resolves.toBe(false);
    expect(evaluator.calls.at(-1)).toEqual(['c-1']);
    await expect(pendingIds()).resolves.toEqual([]);
  });

  it('queues a call behind a longer backlog than one call carries; the poller delivers it all in order', async () => {
    const backlog = Array.from({ length: PENDING_BATCH + 1 }, (_, i) =>
      reading(`old-${i}`, 'meter-1', i, T + i),
    );
    evaluator.down = true;
    await send(backlog);
    evaluator.down = false;
    const calls = evaluator.calls.length;
    await expect(send([reading('new', 'meter-1', 0, NOW)])).resolves.toEqual({
      processedCount: 1,
      ...stored,
    });
    expect(evaluator.calls).toHaveLength(calls);
    await expect(processor.handOver.deliverOldest()).resolves.toBe(true);
    await expect(processor.handOver.deliverOldest()).resolves.toBe(false);
    expect(evaluator.calls.slice(calls).map((ids) => ids.length)).toEqual([PENDING_BATCH, 2]);
    expect(evaluator.evaluated).toEqual([...backlog.map((r) => r.readingId), 'new']);
    expect(evaluator.missed()).toEqual([]);
  });

  it('queues a call behind the earlier call of its device that the alert manager did not take, without asking it again', async () => {
    // The alert manager holds k-1's call until the processor gives up on it, as on its deadline.
    let giveUp: ((error: Error) => void) | undefined;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    await open(
      {},
      {
        evaluate: (readings) => {
          if (giveUp !== undefined || readings[0]?.readingId !== 'k-1') return evaluator.evaluate(readings);
          held();
          return new Promise<void>((_, reject) => (giveUp = reject));
        },
      },
    );
    const older = send([reading('k-1', 'kiln-1', 1, T)]);
    await holding;
    const newer = send([reading('k-2', 'kiln-1', 2, T + 1_000)]);
    giveUp!(new Error('deadline exceeded (test)'));
    await expect(Promise.all([older, newer])).resolves.toMatchObject([
      { processedCount: 1 },
      { processedCount: 1 },
    ]);
    // Waiting its turn, then asking the alert manager again, would have held the newer call twice as long.
    expect(evaluator.calls).toEqual([]);
    await expect(pendingIds()).resolves.toEqual(['k-1', 'k-2']);
    await processor.handOver.deliverOldest();
    expect(evaluator.evaluated).toEqual(['k-1', 'k-2']);
  });

  it('answers UNAVAILABLE instead of queueing beyond PENDING_EVALUATIONS_MAX; the retry is evaluated', async () => {
    await open({ PENDING_EVALUATIONS_MAX: '3' });
    evaluator.down = true;
    await send([reading('q-1', 'quay-1', 1, T), reading('q-2', 'quay-1', 2, T + 1)]);
    const refused = [reading('q-3', 'quay-1', 3, T + 2), reading('q-4', 'quay-1', 4, T + 3)];
    await expect(send(refused)).rejects.toBeInstanceOf(UnavailableError);
    await expect(pendingIds()).resolves.toEqual(['q-1', 'q-2']);
    // Counted all the same: the caller's retry is a duplicate, evaluated behind the queued readings.
    evaluator.down = false;
    await expect(send(refused)).resolves.toMatchObject({ processedCount: 0, duplicateCount: 2 });
    expect(evaluator.calls.at(-1)).toEqual(['q-1', 'q-2', 'q-3', 'q-4']);
    expect(evaluator.missed()).toEqual([]);
  });

  it('queues nothing when PENDING_EVALUATIONS_MAX is 0', async () => {
    await open({ PENDING_EVALUATIONS_MAX: '0' });
    evaluator.down = true;
    await expect(send([reading('z-1', 'zone-1', 1, T)])).rejects.toBeInstanceOf(UnavailableError);
    await expect(pendingIds()).resolves.toEqual([]);
  });

  it('reports how many readings are pending as of its last look at the queue', async () => {
    const gauge = async () =>
      (await processor.registry.getSingleMetric('data_processor_evaluations_pending')!.get()).values[0]
        ?.value;
    evaluator.down = true;
    await send([reading('g-1', 'gauge-1', 1, T), reading('g-2', 'gauge-2', 2, T)]);
    await expect(processor.handOver.refresh()).resolves.toBe(2);
    await expect(gauge()).resolves.toBe(2);
    evaluator.down = false;
    await processor.handOver.deliverOldest();
    await expect(processor.handOver.refresh()).resolves.toBe(0);
    await expect(gauge()).resolves.toBe(0);
  });
  it('sets aside what the alert manager refuses for good, so that it holds up neither the queue nor later calls', async () => {
    // An older alert manager refuses p-1 (say, a sensor type it does not know yet), and so every call
    // carrying it: the call queues its readings, as for an outage, and is answered.
    evaluator.refused.add('p-1');
    await expect(send([reading('p-1', 'pump-1', 1, T)])).resolves.toEqual({ processedCount: 1, ...stored });
    await send([reading('p-2', 'pump-1', 2, T + 1_000)]);
    expect(evaluator.calls).toEqual([['p-1'], ['p-1', 'p-2']]);
    await expect(pendingIds()).resolves.toEqual(['p-1', 'p-2']);

    // The poller's round finds p-1 and sets it aside: kept in the table, no longer pending.
    await expect(processor.handOver.deliverOldest()).resolves.toBe(false);
    expect(evaluator.calls.slice(2)).toEqual([['p-1', 'p-2'], ['p-1'], ['p-2']]);
    await expect(pendingIds()).resolves.toEqual([]);
    await expect(processor.setAside()).resolves.toMatchObject([{ readingId: 'p-1', failedTime: NOW }]);
    await expect(processor.handOver.refresh()).resolves.toBe(0);

    // The device's next call is evaluated at once, alone: p-1 is not sent ahead of it any more.
    await send([reading('p-3', 'pump-1', 3, T + 2_000)]);
    expect(evaluator.calls.at(-1)).toEqual(['p-3']);
    await expect(pendingIds()).resolves.toEqual([]);
    expect(evaluator.evaluated).toEqual(['p-2', 'p-3']);
    expect(evaluator.missed()).toEqual([]);
    const refusedTotal = processor.registry.getSingleMetric('data_processor_evaluations_refused_total');
    await expect(refusedTotal!.get()).resolves.toMatchObject({ values: [{ value: 1 }] });
  });

  it('stops at an outage while it sets refused readings aside, and keeps the rest queued for the next round', async () => {
    evaluator.refused.add('p-1');
    // The alert manager goes down after refusing the batch and taking its first reading alone.
    const goingDown: ReadingsEvaluator = {
      evaluate: (readings) => {
        if (evaluator.calls.length === 2) evaluator.down = true;
        return evaluator.evaluate(readings);
      },
    };
    await open({}, goingDown);
    const queued = [
      reading('a-1', 'attic-1', 1, T),
      reading('p-1', 'pump-1', 2, T),
      reading('a-2', 'attic-1', 3, T + 1),
    ];
    await processor.store.pendingEvaluations.add(queued, 100);

    await expect(processor.handOver.deliverOldest()).rejects.toThrow('alert manager is down (test)');
    expect(evaluator.calls).toEqual([['a-1', 'p-1', 'a-2'], ['a-1'], ['p-1']]);
    await expect(pendingIds()).resolves.toEqual(['p-1', 'a-2']);
    await expect(processor.setAside()).resolves.toEqual([]);

    evaluator.down = false;
    await expect(processor.handOver.deliverOldest()).resolves.toBe(false);
    await expect(pendingIds()).resolves.toEqual([]);
    await expect(processor.setAside()).resolves.toMatchObject([{ readingId: 'p-1' }]);
    expect(evaluator.evaluated).toEqual(['a-1', 'a-2']);
  });
});
