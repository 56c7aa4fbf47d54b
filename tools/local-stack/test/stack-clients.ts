import { createGrpcClient, type TlsSettings } from '@iot-mesh/platform';
import { scrapeMetricSum } from '@iot-mesh/platform/testing';
import type { GenericServiceDefinition } from '@iot-mesh/platform';
import {
  AlertManagerDefinition,
  type AlertManagerClient,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import {
  SensorIngestionDefinition,
  type SensorIngestionClient,
} from '@iot-mesh/proto/iotmesh/ingestion/v1/sensor_ingestion';
import {
  NotificationDefinition,
  type NotificationClient,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import {
  DataProcessorDefinition,
  type DataProcessorClient,
} from '@iot-mesh/proto/iotmesh/processor/v1/data_processor';
import type { Stack } from '../src/stack.js';

/** Typed clients for every service of a running stack. */
export function stackClients(stack: Stack) {
  const clients: { close(): void }[] = [];
  const make = <T>(definition: GenericServiceDefinition, name: string, tls: TlsSettings): T => {
    const client = createGrpcClient<T>(definition, { address: stack.address(name), tls, deadlineMs: 10_000 });
    clients.push(client);
    return client.service;
  };
  return {
    registry: make<DeviceRegistryClient>(DeviceRegistryDefinition, 'device-registry', stack.tls),
    ingestion: make<SensorIngestionClient>(SensorIngestionDefinition, 'sensor-ingestion', stack.tls),
    processor: make<DataProcessorClient>(DataProcessorDefinition, 'data-processor', stack.tls),
    alerts: make<AlertManagerClient>(AlertManagerDefinition, 'alert-manager', stack.tls),
    notifications: make<NotificationClient>(NotificationDefinition, 'notification', stack.tls),
    close: () => clients.forEach((client) => client.close()),
  };
}

/** The sum of a stack service's metric over its label sets whose label text contains `labelsPart`. */
export function metricSum(stack: Stack, service: string, name: string, labelsPart = ''): Promise<number> {
  const adminPort = stack.services.find((s) => s.name === service)!.adminPort;
  return scrapeMetricSum(`http://127.0.0.1:${adminPort}`, name, labelsPart);
}
