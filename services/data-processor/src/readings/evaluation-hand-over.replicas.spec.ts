import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_KINDS, startTestPostgres, type TestPostgres } from '@iot-mesh/storage/testing';
import { AlertCursorEvaluator } from '../../test/alert-cursor-evaluator.js';
import { openProcessor, type InProcessProcessor } from '../../test/in-process-processor.js';
import { reading } from '../../test/readings.fixture.js';

const NOW = Date.UTC(2026, 0, 15, 12);
const T = NOW - 60_000;

// Two replicas on one database, as behind the mesh: ingestion's hash ring moves a device to another
// replica (scaling, a rollout, a restart) while the first still holds queued readings of it. Their
// pollers do not run, so neither learns of the other's queue that way.
describe.each(DATABASE_KINDS)('EvaluationHandOver of two replicas on one %s database', (kind) => {
  let dir: string;
  let postgres: TestPostgres | undefined;
  let env: Record<string, string>;
  let evaluator: AlertCursorEvaluator;
  let first: InProcessProcessor;
  let second: InProcessProcessor;
  const pendingIds = async () =>
    (await first.store.pendingEvaluations.oldest(100)).map((p) => p.reading.readingId);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'processor-replicas-'));
    if (kind === 'postgres') {
      postgres = await startTestPostgres();
      env = { STORAGE: 'postgres', DATABASE_URL: await postgres.createDatabase('processor_replicas') };
    } else {
      env = {};
    }
  });
  afterAll(() => {
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    evaluator = new AlertCursorEvaluator();
    first = await openProcessor({ dataDir: dir, evaluator, now: () => NOW, env });
    second = await openProcessor({ dataDir: dir, evaluator, now: () => NOW, env });
  });
  afterEach(async () => {
    await first.close();
    await second.close();
  });

  it('has the readings one replica queued evaluated before the newer reading of their device that reaches the other', async () => {
    evaluator.down = true;
    await first.service.process([reading('x-1', 'mixer-1', 1, T)]);
    evaluator.down = false;
    await second.service.process([reading('x-2', 'mixer-1', 2, T + 1_000)]);
    expect(evaluator.calls.at(-1)).toEqual(['x-1', 'x-2']);
    expect(evaluator.missed()).toEqual([]);
    await expect(pendingIds()).resolves.toEqual([]);
  });

  it('does so too for a call that also carries a reading already counted', async () => {
    await first.service.process([reading('y-1', 'press-1', 1, T)]);
    evaluator.down = true;
    await first.service.process([reading('z-1', 'mill-1', 1, T)]);
    evaluator.down = false;
    // y-1 again, as a retry would send it: known, so the call's new readings are told from it.
    await second.service.process([reading('y-1', 'press-1', 1, T), reading('z-2', 'mill-1', 2, T + 1_000)]);
    expect(evaluator.calls.at(-1)).toEqual(['z-1', 'y-1', 'z-2']);
    expect(evaluator.missed()).toEqual([]);
    await expect(pendingIds()).resolves.toEqual([]);
  });
});
