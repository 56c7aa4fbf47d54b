import { createGrpcClient } from '@iot-mesh/platform';
import { startScratchStack } from '@iot-mesh/local-stack';
import {
  Operator,
  Severity,
  AlertManagerDefinition,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  DeviceRegistryDefinition,
  DeviceStatus,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  SensorIngestionDefinition,
  type SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { cpuSeconds } from './process-cpu.js';
import { runLoad, type LoadResult } from './load-loop.js';
import { readingBatch } from './readings.js';

export interface PipelineResult extends LoadResult {
  readings: number;
  /** CPU seconds spent by each service during the run. */
  cpuByService: Record<string, number>;
}

/**
 * sensor-ingestion → data-processor → alert-manager as real processes on loopback (embedded
 * SQLite), driven with IngestBatch calls of `batchSize` new readings from 20 devices and one rule.
 */
export async function ingestionPipeline(
  root: string,
  batchSize: number,
  concurrency: number,
  seconds: number,
): Promise<PipelineResult> {
  const scratch = await startScratchStack(root, 'bench-operator-token');
  const { stack } = scratch;
  const client = <T>(definition: Parameters<typeof createGrpcClient>[0], name: string) =>
    createGrpcClient<T>(definition, { address: stack.address(name), tls: stack.tls, deadlineMs: 30_000 });
  const registry = client<DeviceRegistryClient>(DeviceRegistryDefinition, 'device-registry');
  const alerts = client<AlertManagerClient>(AlertManagerDefinition, 'alert-manager');
  const ingestion = client<SensorIngestionClient>(SensorIngestionDefinition, 'sensor-ingestion');
  try {
    const devices = Array.from({ length: 20 }, (_, i) => `bench-device-${i}`);
    for (const id of devices) {
      const device = {
        id: '',
        name: id,
        type: SensorType.SENSOR_TYPE_TEMPERATURE,
        customType: '',
        ownerEmail: 'bench@example.com',
        status: DeviceStatus.DEVICE_STATUS_ACTIVE,
        labels: {},
      };
      await firstValueFrom(
        registry.service.createDevice({ device, deviceId: id, sendVerificationEmail: false }),
      );
    }
    await firstValueFrom(
      alerts.service.createRule({
        rule: {
          id: '',
          name: 'bench hot',
          scope: { allDevices: true },
          sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
          operator: Operator.OPERATOR_GREATER_THAN,
          threshold: 33,
          thresholdHigh: 0,
          forDuration: { seconds: 0, nanos: 0 },
          severity: Severity.SEVERITY_WARNING,
          hysteresis: 1,
          enabled: true,
          customSensor: '',
        },
      }),
    );
    const before = Object.fromEntries(stack.processes().map((p) => [p.name, cpuSeconds(p.pid)]));
    let readings = 0;
    const result = await runLoad(
      async (n) => {
        const response = await firstValueFrom(
          ingestion.service.ingestBatch({ readings: readingBatch(n, batchSize, devices) }),
        );
        readings += response.result?.acceptedCount ?? 0;
      },
      concurrency,
      seconds,
    );
    const cpuByService = Object.fromEntries(
      stack.processes().map((p) => [p.name, cpuSeconds(p.pid) - (before[p.name] ?? 0)]),
    );
    return { ...result, readings, cpuByService };
  } finally {
    [registry, alerts, ingestion].forEach((c) => c.close());
    await scratch.close();
  }
}
