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
      retentionMs: 48 * 3_600_000,
    });
    expect(loadConfig(processorConfigSchema, { PENDING_EVALUATIONS_MAX: '0' }).pendingEvaluations.max).toBe(
      0,
    );
  });

  it('closes windows once readings for them are too old to be accepted, or no longer kept', () => {
    const lateReadingsMs = (env: Record<string, string>) =>
      loadConfig(processorConfigSchema, env).lateReadingsMs;
    expect(lateReadingsMs({})).toBe(48 * 3_600_000); // ingestion's MAX_READING_AGE_MS default
    expect(lateReadingsMs({ MAX_READING_AGE_MS: '3600000' })).toBe(3_600_000);
    expect(lateReadingsMs({ MAX_READING_AGE_MS: '86400000', WINDOW_RETENTION_HOURS: '2' })).toBe(7_200_000);
  });

  it('names every bad variable', () => {
    expect(() =>
      loadConfig(processorConfigSchema, {
        WINDOW_RETENTION_HOURS: '0',
        FORWARD_TO_ALERT_MANAGER: 'maybe',
        PENDING_EVALUATIONS_MAX: '-1',
      }),
    ).toThrow(/FORWARD_TO_ALERT_MANAGER[\s\S]*PENDING_EVALUATIONS_MAX[\s\S]*WINDOW_RETENTION_HOURS/);
    expect(() => loadConfig(processorConfigSchema, { STORAGE: 'postgres' })).toThrow(/DATABASE_URL/);
  });
});
