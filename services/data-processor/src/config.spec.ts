import { loadConfig } from '@iot-mesh/platform';
import { processorConfigSchema } from './config.js';

describe('processor config', () => {
  it('has working defaults', () => {
    const config = loadConfig(processorConfigSchema, {});
    expect(config).toMatchObject({
      platform: { grpcPort: 50054, adminPort: 9464, serviceName: 'data-processor' },
      storage: { kind: 'sqlite', file: 'data/data-processor.sqlite' },
      alertManagerAddress: '127.0.0.1:50055',
      forwardToAlertManager: true,
      pendingEvaluations: { max: 100_000, pollIntervalMs: 1_000 },
      lateReadingsMs: 48 * 3_600_000 + 60_000,
      // The form the previous release reads, until an operator turns the compact one on.
      sketchForms: { compact: false },
    });
    expect(loadConfig(processorConfigSchema, { PENDING_EVALUATIONS_MAX: '0' }).pendingEvaluations.max).toBe(
      0,
    );
  });

  it('closes windows a margin after readings for them are too old to be accepted, or no longer kept', () => {
    const times = (env: Record<string, string>) => {
      const { lateReadingsMs, retentionMs } = loadConfig(processorConfigSchema, env);
      return { lateReadingsMs, retentionMs };
    };
    const HOUR_MS = 3_600_000;
    // Ingestion's MAX_READING_AGE_MS default, and a minute for the readings ingestion accepted at it to
    // arrive: the windows are deleted once closed, not before, with the retention equal to it.
    expect(times({})).toEqual({ lateReadingsMs: 48 * HOUR_MS + 60_000, retentionMs: 48 * HOUR_MS + 60_000 });
    expect(times({ MAX_READING_AGE_MS: String(HOUR_MS), LATE_READING_MARGIN_MS: '5000' })).toEqual({
      lateReadingsMs: HOUR_MS + 5_000,
      retentionMs: 48 * HOUR_MS,
    });
    expect(times({ MAX_READING_AGE_MS: String(24 * HOUR_MS), WINDOW_RETENTION_HOURS: '2' })).toEqual({
      lateReadingsMs: 2 * HOUR_MS + 60_000,
      retentionMs: 2 * HOUR_MS + 60_000,
    });
  });

  it('names every bad variable', () => {
    expect(() =>
      loadConfig(processorConfigSchema, {
        WINDOW_RETENTION_HOURS: '0',
        FORWARD_TO_ALERT_MANAGER: 'maybe',
        PENDING_EVALUATIONS_MAX: '-1',
        SKETCH_COMPACT_FORM: 'on',
      }),
    ).toThrow(
      /FORWARD_TO_ALERT_MANAGER[\s\S]*PENDING_EVALUATIONS_MAX[\s\S]*WINDOW_RETENTION_HOURS[\s\S]*SKETCH_COMPACT_FORM/,
    );
    expect(() => loadConfig(processorConfigSchema, { STORAGE: 'postgres' })).toThrow(/DATABASE_URL/);
  });

  it('writes the compact sketch form only when SKETCH_COMPACT_FORM turns it on', () => {
    const compact = (value: string) =>
      loadConfig(processorConfigSchema, { SKETCH_COMPACT_FORM: value }).sketchForms.compact;
    expect(['true', '1', 'yes'].map(compact)).toEqual([true, true, true]);
    expect(['false', '0', 'no'].map(compact)).toEqual([false, false, false]);
  });
});
