import {
  createGrpcClient,
  type DemandPacedStream,
  type GenericServiceDefinition,
  type GrpcClient,
  type TlsSettings,
} from '@iot-mesh/platform';
import {
  AlertManagerDefinition,
  type AlertManagerClient,
  type WatchAlertsRequest,
  type WatchAlertsResponse,
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
import type { Logger } from 'pino';
import type { DownstreamName, GatewayConfig } from '../config.js';
import { downstreamOutageLog } from './downstream-outages.js';

/**
 * Every internal service the gateway talks to: its API, the methods the gateway may call (the REST
 * routes use only these; services/catalog.json lists the same for the mesh's authorization policies),
 * those of them an operator may not call through the pass-through route, and which are safe to retry.
 */
export const DOWNSTREAM_APIS: Record<
  DownstreamName,
  { definition: GenericServiceDefinition; allowed: string[]; gatewayOnly?: string[]; idempotent: string[] }
> = {
  'device-registry': {
    definition: DeviceRegistryDefinition,
    allowed: [
      'CreateDevice',
      'GetDevice',
      'ListDevices',
      'UpdateDevice',
      'DecommissionDevice',
      'IssueDeviceKey',
      'RotateDeviceKey',
      'RevokeDeviceKey',
      'ListDeviceKeys',
      'VerifyDeviceKey',
    ],
    // Not through the pass-through: it is how the gateway authenticates devices, under the failed-key
    // budget, and its refusal (UNAUTHENTICATED) would read as a 401 to an operator whose credential is good.
    gatewayOnly: ['VerifyDeviceKey'],
    idempotent: [
      'GetDevice',
      'ListDevices',
      'ListDeviceKeys',
      'VerifyDeviceKey',
      'DecommissionDevice',
      'RevokeDeviceKey',
    ],
  },
  // Ingestion dedupes by reading id, so re-sending a batch is safe.
  'sensor-ingestion': {
    definition: SensorIngestionDefinition,
    allowed: ['Ingest', 'IngestBatch'],
    idempotent: ['Ingest', 'IngestBatch'],
  },
  'data-processor': {
    definition: DataProcessorDefinition,
    allowed: ['GetAggregates', 'ListAggregates'],
    idempotent: ['GetAggregates', 'ListAggregates'],
  },
  'alert-manager': {
    definition: AlertManagerDefinition,
    allowed: [
      'CreateRule',
      'GetRule',
      'ListRules',
      'UpdateRule',
      'DeleteRule',
      'GetAlert',
      'ListAlerts',
      'AcknowledgeAlert',
      'WatchAlerts',
    ],
    // Not DeleteRule: a repeat answers NOT_FOUND, so a retried delete whose answer was lost reads as a 404.
    idempotent: ['GetRule', 'ListRules', 'GetAlert', 'ListAlerts', 'AcknowledgeAlert'],
  },
  notification: {
    definition: NotificationDefinition,
    allowed: ['GetNotification', 'ListNotifications'],
    idempotent: ['GetNotification', 'ListNotifications'],
  },
};

/**
 * The downstream a name from a request names, if any: an own key of DOWNSTREAM_APIS, so that
 * `constructor` or `__proto__` (Object.prototype's) are unknown names like any other.
 */
export const downstreamNamed = (name: string): DownstreamName | undefined =>
  Object.hasOwn(DOWNSTREAM_APIS, name) ? (name as DownstreamName) : undefined;

export interface Downstream {
  registry: DeviceRegistryClient;
  ingestion: SensorIngestionClient;
  processor: DataProcessorClient;
  /** Its WatchAlerts reads the alert manager's events only while the watcher's demand says so. */
  alerts: Omit<AlertManagerClient, 'watchAlerts'> & {
    watchAlerts: DemandPacedStream<WatchAlertsRequest, WatchAlertsResponse>;
  };
  notification: NotificationClient;
  /** The raw handle of one service, for the generic pass-through route. */
  client(name: DownstreamName): GrpcClient<Record<string, unknown>>;
  address(name: DownstreamName): string;
  close(): void;
}

/**
 * One client per downstream, created once, with deadlines, retries, the service's TLS settings and a
 * log of its outages.
 */
export function createDownstream(config: GatewayConfig, tls: TlsSettings, logger: Logger): Downstream {
  const clients = new Map<DownstreamName, GrpcClient<Record<string, unknown>>>();
  for (const [name, api] of Object.entries(DOWNSTREAM_APIS) as [
    DownstreamName,
    (typeof DOWNSTREAM_APIS)[DownstreamName],
  ][]) {
    clients.set(
      name,
      createGrpcClient(api.definition, {
        address: config.downstream[name],
        tls,
        deadlineMs: config.downstreamDeadlineMs,
        deadlineByMethodMs: { WatchAlerts: Number.POSITIVE_INFINITY },
        idempotentMethods: api.idempotent,
        onCallEnd: downstreamOutageLog(name, logger),
      }),
    );
  }
  const service = <T>(name: DownstreamName) => clients.get(name)!.service as T;
  return {
    registry: service<DeviceRegistryClient>('device-registry'),
    ingestion: service<SensorIngestionClient>('sensor-ingestion'),
    processor: service<DataProcessorClient>('data-processor'),
    alerts: service<Downstream['alerts']>('alert-manager'),
    notification: service<NotificationClient>('notification'),
    client: (name) => clients.get(name)!,
    address: (name) => config.downstream[name],
    close: () => clients.forEach((client) => client.close()),
  };
}

/**
 * Whether a call of `method` (its proto name) would do something again if repeated: a unary method that
 * is not retried (creates, updates, issuing and rotating keys, deleting a rule). Reads and the retried
 * writes can be repeated, and the one stream (WatchAlerts) only reads.
 */
export function unsafeToRepeat(service: DownstreamName, method: string): boolean {
  const api = DOWNSTREAM_APIS[service];
  const definition = Object.values(api.definition.methods).find(({ name }) => name === method);
  const streams = definition !== undefined && (definition.requestStream || definition.responseStream);
  return !streams && !api.idempotent.includes(method);
}

/** The methods of `service` an operator may call through the pass-through route. */
export const passThroughMethods = (service: DownstreamName): string[] => {
  const { allowed, gatewayOnly = [] } = DOWNSTREAM_APIS[service];
  return allowed.filter((method) => !gatewayOnly.includes(method));
};
