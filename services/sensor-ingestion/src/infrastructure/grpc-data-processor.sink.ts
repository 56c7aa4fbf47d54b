import type { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  DataProcessorDefinition,
  type DataProcessorClient,
  type ProcessReadingsResponse,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { ForwardOutcome, ReadingSink } from '../readings/reading-sink.port.js';
import { unavailableOr } from './downstream-failure.js';

/** One DataProcessor.ProcessReadings round trip, failures already mapped for our callers. */
export interface ReadingProcessor {
  processReadings(readings: readonly Reading[], metadata?: Metadata): Promise<ProcessReadingsResponse>;
}

/** Today's direct path: chunks of at most `chunkSize`, one after the other, in request order. */
export async function forwardInChunks(
  processor: ReadingProcessor,
  readings: readonly Reading[],
  chunkSize: number,
): Promise<ForwardOutcome> {
  const outcome: ForwardOutcome = { processed: 0, duplicates: 0, duplicateIndexes: [] };
  for (let start = 0; start < readings.length; start += chunkSize) {
    const response = await processor.processReadings(readings.slice(start, start + chunkSize));
    const duplicateIndexes = [...new Set(response.duplicateIndexes)].sort((a, b) => a - b);
    outcome.processed += response.processedCount;
    outcome.duplicates += duplicateIndexes.length;
    outcome.duplicateIndexes.push(...duplicateIndexes.map((index) => index + start));
  }
  return outcome;
}

export interface DataProcessorSinkSettings {
  address: string;
  tls: TlsSettings;
  deadlineMs: number;
  /** Most readings per ProcessReadings call. */
  chunkSize: number;
}

/**
 * Forwards readings to DataProcessor.ProcessReadings in chunks, one after the other so the processor
 * sees them in request order. ProcessReadings is declared idempotent (the processor dedupes by
 * reading id), so grpc-js retries UNAVAILABLE; a retry can never count a reading twice.
 */
export class DataProcessorSink implements ReadingSink, ReadingProcessor {
  private readonly client: GrpcClient<DataProcessorClient>;

  constructor(private readonly settings: DataProcessorSinkSettings) {
    this.client = createGrpcClient<DataProcessorClient>(DataProcessorDefinition, {
      address: settings.address,
      tls: settings.tls,
      deadlineMs: settings.deadlineMs,
      idempotentMethods: ['ProcessReadings'],
    });
  }

  forward(readings: readonly Reading[]): Promise<ForwardOutcome> {
    return forwardInChunks(this, readings, this.settings.chunkSize);
  }

  /** One ProcessReadings call; a transient failure becomes a DownstreamUnavailableError. */
  async processReadings(readings: readonly Reading[], metadata?: Metadata): Promise<ProcessReadingsResponse> {
    try {
      return await firstValueFrom(this.client.service.processReadings({ readings: [...readings] }, metadata));
    } catch (error) {
      // Not acknowledged means not accepted: a retry of the whole request (the device's, as the
      // processor was already retried here) has the processor's dedupe absorb the chunks that got through.
      unavailableOr(error, 'PROCESSOR.UNAVAILABLE', 'data processor did not accept the readings');
    }
  }

  close(): void {
    this.client.close();
  }
}
