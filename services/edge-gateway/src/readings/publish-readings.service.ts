import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, PermissionDeniedError, ValidationError } from '@iot-mesh/platform';
import type { BatchResult } from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import type { Reading, ReadingRejection } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { Gauge, type Registry } from 'prom-client';
import { firstValueFrom } from 'rxjs';
import type { DeviceIdentity } from '../auth/device-auth.service.js';
import type { GatewayConfig } from '../config.js';
import { fromDownstream } from '../downstream/downstream-error.js';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM, GATEWAY_CONFIG } from '../gateway.di-tokens.js';
import { RateLimits } from '../rate-limit/rate-limits.js';
import { IngestBatchMerger } from './ingest-batch-merger.js';

export interface PublishOutcome {
  acceptedCount: number;
  duplicateCount: number;
  rejections: ReadingRejection[];
  /** Positions of the readings whose ids had been accepted before (counted once, not again). */
  duplicateIndexes: number[];
}

/**
 * Publishing readings for an authenticated device, shared by REST and gRPC: the device's rate limit,
 * the batch limit, and the rule that a device publishes only its own readings (an empty device id
 * means "mine"). Acknowledged only after ingestion (and so the processor) accepted them.
 */
@Injectable()
export class PublishReadingsService {
  /** Shares IngestBatch calls between concurrent single readings; absent when the linger is 0. */
  private readonly singles?: IngestBatchMerger;
  /** Shares IngestBatch calls between concurrent batches; absent when merging is off. */
  private readonly batches?: IngestBatchMerger;

  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly limits: RateLimits,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    const { singleReadings, batchMerge } = config;
    if (singleReadings.lingerMs > 0) this.singles = new IngestBatchMerger(this.ingestBatch, singleReadings);
    if (batchMerge.maxReadings > 0) this.batches = new IngestBatchMerger(this.ingestBatch, batchMerge);
    const mergers = { single: this.singles, batch: this.batches };
    new Gauge({
      name: 'edge_gateway_ingest_readings_waiting',
      help: 'Readings gathered to share the next IngestBatch call, not yet sent (single readings, or batches)',
      labelNames: ['merge'],
      registers: [registry],
      collect() {
        for (const [merge, merger] of Object.entries(mergers))
          this.set({ merge }, merger?.waitingReadings ?? 0);
      },
    });
  }

  async publishBatch(device: DeviceIdentity, readings: Reading[]): Promise<PublishOutcome> {
    return this.ingestChecked(await this.checkBatch(device, readings));
  }

  /**
   * Everything short of ingesting a batch: the device's rate limit, the batch limit, and that every
   * reading is the device's own. Resolves to the readings as the device's own.
   */
  async checkBatch(device: DeviceIdentity, readings: Reading[]): Promise<Reading[]> {
    await this.limits.forDevice(device.deviceId);
    if (readings.length === 0 || readings.length > this.config.maxBatchSize) {
      throw new ValidationError([
        {
          field: 'readings',
          reason: 'BATCH.SIZE',
          description: `a batch holds 1 to ${this.config.maxBatchSize} readings`,
        },
      ]);
    }
    return readings.map((reading) => this.ownReading(device, reading));
  }

  /** Ingests a batch that passed `checkBatch`. */
  async ingestChecked(own: Reading[]): Promise<PublishOutcome> {
    try {
      const result = await (this.batches ? this.batches.ingest(own) : this.ingestBatch(own));
      return {
        acceptedCount: result.acceptedCount,
        duplicateCount: result.duplicateCount,
        rejections: result.rejections,
        duplicateIndexes: result.duplicateIndexes,
      };
    } catch (error) {
      throw fromDownstream('sensor-ingestion', 'IngestBatch', error);
    }
  }

  async publishOne(
    device: DeviceIdentity,
    reading: Reading | undefined,
  ): Promise<{ readingId: string; duplicate: boolean }> {
    await this.limits.forDevice(device.deviceId);
    if (!reading)
      throw new ValidationError([{ field: 'reading', reason: 'FIELD.REQUIRED', description: 'must be set' }]);
    const own = this.ownReading(device, reading);
    let result: BatchResult;
    try {
      if (!this.singles) return await firstValueFrom(this.downstream.ingestion.ingest({ reading: own }));
      result = await this.singles.ingest([own]);
    } catch (error) {
      throw fromDownstream('sensor-ingestion', this.singles ? 'IngestBatch' : 'Ingest', error);
    }
    // Ingestion judged it, as when it answers Ingest itself.
    if (result.rejections.length > 0)
      throw new ValidationError(result.rejections, 'READING.INVALID', { service: 'sensor-ingestion' });
    return { readingId: own.readingId, duplicate: result.duplicateCount > 0 };
  }

  private readonly ingestBatch = async (readings: Reading[]): Promise<BatchResult> => {
    const { result } = await firstValueFrom(this.downstream.ingestion.ingestBatch({ readings }));
    // Without a result nothing says the readings were accepted: acknowledging them would be a lie.
    if (!result) throw new Error('sensor-ingestion answered IngestBatch without a result');
    return result;
  };

  /**
   * The reading as the device's own: copied only to fill in an empty device id. Streamed readings
   * mostly name their device already; a copy of each was 3-4% of what the gateway allocated.
   */
  private ownReading(device: DeviceIdentity, reading: Reading): Reading {
    if (reading.deviceId === device.deviceId) return reading;
    if (reading.deviceId === '') return { ...reading, deviceId: device.deviceId };
    throw new PermissionDeniedError(
      'AUTH.FOREIGN_DEVICE',
      `this key belongs to device ${device.deviceId}; it cannot publish for ${reading.deviceId}`,
      {
        device_id: device.deviceId,
      },
    );
  }
}
