import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GrpcClient } from '@iot-mesh/platform';
import { scrapeMetricSum, type LogLine, type ServiceProcess } from '@iot-mesh/platform/testing';
import type {
  Alert,
  AlertManagerClient,
  EvaluateReadingsResponse,
  Rule,
} from '@iot-mesh/proto/iotmesh/alert/v1/alert_manager';
import { SensorType, type Reading } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import { alertClient, startAlertManager } from './alert-manager-process.js';
import { countByKey, startNotificationStub, startRegistryStub } from './stub-services.js';

type RegistryStub = Awaited<ReturnType<typeof startRegistryStub>>;
type NotificationStub = Awaited<ReturnType<typeof startNotificationStub>>;

/** Devices the registry stub knows, unless a stack is given others. */
export const REGISTERED_DEVICES = {
  'hygro-1': SensorType.SENSOR_TYPE_HUMIDITY,
  'thermo-1': SensorType.SENSOR_TYPE_TEMPERATURE,
};

/** The built alert manager with stub registry and notification services, and shortcuts to its API. */
export class AlertStack {
  private dataDir = '';
  private process: ServiceProcess | undefined;
  private client: GrpcClient<AlertManagerClient> | undefined;
  private stubs: { registry: RegistryStub; notifications: NotificationStub } | undefined;

  constructor(
    private readonly env: Record<string, string> = {},
    private readonly devices: Record<string, SensorType> = REGISTERED_DEVICES,
  ) {}

  async start(): Promise<void> {
    this.dataDir = mkdtempSync(join(tmpdir(), 'alert-stack-'));
    const [registry, notifications] = await Promise.all([
      startRegistryStub(this.devices),
      startNotificationStub(),
    ]);
    this.stubs = { registry, notifications };
    await this.launch();
  }

  /** Stops the service and starts it again on the same data, with the same stubs. */
  async restart(): Promise<void> {
    this.client?.close();
    await this.process?.stop();
    await this.launch();
  }

  async stop(): Promise<void> {
    this.client?.close();
    await this.process?.stop();
    await Promise.all([this.stubs?.registry.stop(), this.stubs?.notifications.stop()]);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.process = await startAlertManager({
      DATA_DIR: this.dataDir,
      DEVICE_REGISTRY_ADDRESS: this.registry.address,
      NOTIFICATION_ADDRESS: this.notifications.address,
      ...this.env,
    });
    this.client = alertClient(this.process.grpcAddress);
  }

  /** The sum of one of the service's metrics over the label sets whose text contains `labelsPart`. */
  metric(name: string, labelsPart = ''): Promise<number> {
    return scrapeMetricSum(this.process!.adminUrl, name, labelsPart);
  }

  /** The service's data directory, where its SQLite store is. */
  get dataDirectory(): string {
    return this.dataDir;
  }

  /** The service's gRPC address, for other processes to call it. */
  get address(): string {
    return this.process!.grpcAddress;
  }

  /** The service's log lines so far. */
  get logs(): LogLine[] {
    return this.process!.logs;
  }

  get api(): AlertManagerClient {
    return this.client!.service;
  }

  get registry(): RegistryStub {
    return this.stubs!.registry;
  }

  get notifications(): NotificationStub {
    return this.stubs!.notifications;
  }

  async createRule(rule: Rule): Promise<Rule> {
    return (await firstValueFrom(this.api.createRule({ rule }))).rule!;
  }

  evaluate(readings: Reading[]): Promise<EvaluateReadingsResponse> {
    return firstValueFrom(this.api.evaluateReadings({ readings }));
  }

  async alertsOf(ruleId: string): Promise<Alert[]> {
    const filter = { ruleId, state: 0, severity: 0, deviceId: '' };
    return (await firstValueFrom(this.api.listAlerts({ filter, pageSize: 0, pageToken: '' }))).alerts;
  }

  /** Notification calls received so far, counted by idempotency key. */
  sent(): Record<string, number> {
    return countByKey(this.notifications.calls);
  }
}
