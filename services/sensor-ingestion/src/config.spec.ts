import { ConfigError, loadConfig } from '@iot-mesh/platform';
import { ingestionConfigSchema } from './config.js';

describe('ingestion config', () => {
  it('has working defaults for a local run', () => {
    expect(loadConfig(ingestionConfigSchema, {})).toMatchObject({
      platform: { serviceName: 'sensor-ingestion', grpcPort: 50053, adminPort: 9463 },
      deviceRegistryAddress: '127.0.0.1:50052',
      dataProcessorAddress: '127.0.0.1:50054',
      maxBatchSize: 1000,
      ingestStreamReadAhead: 8,
      forwardChunkSize: 1000,
      forwardLingerMs: 2,
      timeLimits: { maxFutureSkewMs: 300_000, maxReadingAgeMs: 172_800_000 },
      deviceCache: { ttlMs: 30_000, refusalTtlMs: 5_000 },
    });
  });

  it('names every bad variable', () => {
    const load = () =>
      loadConfig(ingestionConfigSchema, { MAX_BATCH_SIZE: '0', DEVICE_CACHE_TTL_MS: 'soon' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/MAX_BATCH_SIZE[\s\S]*DEVICE_CACHE_TTL_MS/);
  });
});
