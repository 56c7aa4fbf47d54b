import type { OnModuleDestroy } from '@nestjs/common';
import {
  createGrpcClient,
  type GrpcClient,
  MAX_READINGS_PER_CALL,
  type TlsSettings,
} from '@iot-mesh/platform';
import { chunked } from '@iot-mesh/storage';
import {
  AlertManagerDefinition,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { ReadingsEvaluator } from '../readings/readings-evaluator.port.js';

/**
 * Sends readings to the alert manager's EvaluateReadings, which is idempotent and so retried; a
 * call's readings and the pending ones of its devices sent ahead of them may be more than one
 * EvaluateReadings call takes (MAX_READINGS_PER_CALL), so they go in chunks, one after the other.
 */
export class GrpcAlertManagerEvaluator implements ReadingsEvaluator, OnModuleDestroy {
  private readonly client: GrpcClient<AlertManagerClient>;

  constructor(address: string, tls: TlsSettings, deadlineMs: number) {
    this.client = createGrpcClient<AlertManagerClient>(AlertManagerDefinition, {
      address,
      tls,
      deadlineMs,
      idempotentMethods: ['EvaluateReadings'],
    });
  }

  async evaluate(readings: readonly Reading[]): Promise<void> {
    for (const chunk of chunked(readings, MAX_READINGS_PER_CALL)) {
      await firstValueFrom(this.client.service.evaluateReadings({ readings: chunk }));
    }
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
