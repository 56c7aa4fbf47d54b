import { status } from '@grpc/grpc-js';
import { createGrpcClient, UnavailableError, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { DeviceTypeLookup } from '../evaluation/device-types.port.js';
import { isServiceError } from './service-error.js';
import { TtlCache } from './ttl-cache.js';

/** Device types from DeviceRegistry.GetDevice, cached for a while (types rarely change). */
export class GrpcDeviceTypeLookup implements DeviceTypeLookup {
  private readonly client: GrpcClient<DeviceRegistryClient>;
  private readonly cache: TtlCache<SensorType | undefined>;

  constructor(address: string, tls: TlsSettings, ttlMs: number, now: () => number = Date.now) {
    this.client = createGrpcClient<DeviceRegistryClient>(DeviceRegistryDefinition, {
      address,
      tls,
      deadlineMs: 2_000,
      idempotentMethods: ['GetDevice'],
    });
    this.cache = new TtlCache(ttlMs, now);
  }

  typeOf(deviceId: string): Promise<SensorType | undefined> {
    return this.cache.get(deviceId, (id) => this.fetch(id));
  }

  close(): void {
    this.client.close();
  }

  private async fetch(deviceId: string): Promise<SensorType | undefined> {
    try {
      const response = await firstValueFrom(this.client.service.getDevice({ id: deviceId }));
      return response.device?.type;
    } catch (error) {
      // An unknown (or malformed) device id simply matches no device-type rule.
      if (isServiceError(error) && [status.NOT_FOUND, status.INVALID_ARGUMENT].includes(error.code)) {
        return undefined;
      }
      throw new UnavailableError(
        'DEVICE_REGISTRY.UNAVAILABLE',
        'the device registry could not tell the device type; retry later',
        { device_id: deviceId },
      );
    }
  }
}
