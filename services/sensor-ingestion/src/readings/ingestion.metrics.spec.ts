import { Registry } from 'prom-client';
import { READING_REJECTION_REASONS } from './domain/rejection-reasons.js';
import { IngestionMetrics } from './ingestion.metrics.js';
import type { ReadingSink } from './reading-sink.port.js';

const forwardNothing: ReadingSink['forward'] = () =>
  Promise.resolve({ processed: 0, duplicates: 0, duplicateIndexes: [] });

describe('ingestion metrics', () => {
  it('show every rejection reason at 0 before the first rejection, then count each reading once', async () => {
    const registry = new Registry();
    const metrics = new IngestionMetrics(registry, { forward: forwardNothing });
    const rejected = async () => {
      const counter = await registry.getSingleMetric('ingestion_readings_rejected_total')?.get();
      return Object.fromEntries((counter?.values ?? []).map((v) => [String(v.labels['reason']), v.value]));
    };
    expect(await rejected()).toEqual(Object.fromEntries(READING_REJECTION_REASONS.map((r) => [r, 0])));

    metrics.recordRejections([
      { index: 0, readingId: 'a', field: 'unit', reason: 'READING.UNIT_UNKNOWN', description: '' },
      { index: 0, readingId: 'a', field: 'value', reason: 'READING.OUT_OF_RANGE', description: '' },
    ]);
    expect(await rejected()).toMatchObject({ 'READING.UNIT_UNKNOWN': 1, 'READING.OUT_OF_RANGE': 0 });
  });

  it('reports the readings the sink gathered for its next call, read at each scrape', async () => {
    const registry = new Registry();
    const sink = { forward: forwardNothing, waitingReadings: 0 };
    new IngestionMetrics(registry, sink);
    const waiting = async () =>
      (await registry.getSingleMetric('ingestion_forward_readings_waiting')?.get())?.values[0]?.value;
    expect(await waiting()).toBe(0);
    sink.waitingReadings = 7;
    expect(await waiting()).toBe(7);
    // A sink that never gathers has nothing waiting.
    const direct = new Registry();
    new IngestionMetrics(direct, { forward: forwardNothing });
    expect(
      (await direct.getSingleMetric('ingestion_forward_readings_waiting')?.get())?.values[0]?.value,
    ).toBe(0);
  });
});
