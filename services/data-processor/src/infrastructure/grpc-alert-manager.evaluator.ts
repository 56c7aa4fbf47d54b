import type { OnModuleDestroy } from '@nestjs/common';
import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  AlertManagerDefinition,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import type { Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { ReadingsEvaluator } from '../readings/readings-evaluator.port.js';

/** Sends readings to the alert manager's EvaluateReadings, which is idempotent and so retried. */
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
    await firstValueFrom(this.client.service.evaluateReadings({ readings: [...readings] }));
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
