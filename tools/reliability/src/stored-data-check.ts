import { CONTROL_CHARACTERS as CONTROL, createGrpcClient, isDeviceId } from '@iot-mesh/platform';
import {
  AlertManagerDefinition,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { Window, type DataProcessorClient } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { DataProcessorDefinition } from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { MeshStack } from './mesh-stack.js';

/** Reads back every device, rule and temperature aggregate and lists whatever breaks the services' own rules. */
export async function storedDataProblems(stack: MeshStack) {
  const options = (name: Parameters<MeshStack['address']>[0]) => ({
    address: stack.address(name),
    tls: stack.clientTls,
    deadlineMs: 10_000,
  });
  const registry = createGrpcClient<DeviceRegistryClient>(
    DeviceRegistryDefinition,
    options('device-registry'),
  );
  const alerts = createGrpcClient<AlertManagerClient>(AlertManagerDefinition, options('alert-manager'));
  const processor = createGrpcClient<DataProcessorClient>(DataProcessorDefinition, options('data-processor'));
  const list: string[] = [];
  let devices = 0;
  let rules = 0;
  let aggregates = 0;
  try {
    let pageToken = '';
    do {
      const page = await firstValueFrom(
        registry.service.listDevices({ pageSize: 500, pageToken, type: 0, site: '', status: 0 }),
      );
      for (const device of page.devices) {
        devices++;
        if (!isDeviceId(device.id)) list.push(`device id ${JSON.stringify(device.id)}`);
        if (CONTROL.test(device.name)) list.push(`device ${device.id} name ${JSON.stringify(device.name)}`);
        const { latitude = 0, longitude = 0 } = device.location ?? {};
        if (!Number.isFinite(latitude) || !Number.isFinite(longitude))
          list.push(`device ${device.id} location`);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    pageToken = '';
    do {
      const page = await firstValueFrom(
        alerts.service.listRules({ pageSize: 500, pageToken, sensorType: 0, customSensor: '' }),
      );
      for (const rule of page.rules) {
        rules++;
        if (![rule.threshold, rule.thresholdHigh, rule.hysteresis].every(Number.isFinite))
          list.push(`rule ${rule.id} numbers`);
        if (CONTROL.test(rule.name)) list.push(`rule ${rule.id} name ${JSON.stringify(rule.name)}`);
      }
      pageToken = page.nextPageToken;
    } while (pageToken);
    for (const window of [Window.WINDOW_ONE_MINUTE, Window.WINDOW_ONE_HOUR]) {
      pageToken = '';
      do {
        const page = await firstValueFrom(
          processor.service.listAggregates({
            sensorType: SensorType.SENSOR_TYPE_TEMPERATURE,
            window,
            pageSize: 500,
            pageToken,
            customSensor: '',
          }),
        );
        for (const a of page.aggregates) {
          aggregates++;
          if (![a.min, a.max, a.avg, a.p95].every(Number.isFinite) || Number(a.count) < 1) {
            list.push(`aggregate of ${a.deviceId}: ${JSON.stringify(a)}`);
          }
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
    }
  } finally {
    registry.close();
    alerts.close();
    processor.close();
  }
  return { list, devices, rules, aggregates };
}
