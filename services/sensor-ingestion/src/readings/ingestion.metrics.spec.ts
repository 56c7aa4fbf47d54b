import { Registry } from 'prom-client';
import { READING_REJECTION_REASONS } from './domain/rejection-reasons.js';
import { IngestionMetrics } from './ingestion.metrics.js';

describe('ingestion metrics', () => {
  it('show every rejection reason at 0 before the first rejection, then count each reading once', async () => {
    const registry = new Registry();
    const metrics = new IngestionMetrics(registry);
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
});
