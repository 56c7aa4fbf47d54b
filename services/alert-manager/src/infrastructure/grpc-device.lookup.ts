import { status } from '@grpc/grpc-js';
import {
  createGrpcClient,
  isServiceError,
  downstreamUnavailable,
  type GrpcClient,
  type TlsSettings,
} from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type Device,
  type DeviceRegistryClient,
  type DeviceStatus,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { firstValueFrom } from 'rxjs';
import type { DeviceLookup } from '../devices/device-lookup.port.js';
import { TtlCache } from './ttl-cache.js';

/** Devices from DeviceRegistry.GetDevice; their types cached for a while (types rarely change). */
export class GrpcDeviceLookup implements DeviceLookup {
  private readonly client: GrpcClient<DeviceRegistryClient>;
  private readonly types: TtlCache<SensorType | undefined>;

  constructor(address: string, tls: TlsSettings, typeTtlMs: number, now: () => number = Date.now) {
    this.client = createGrpcClient<DeviceRegistryClient>(DeviceRegistryDefinition, {
      address,
      tls,
      deadlineMs: 2_000,
      idempotentMethods: ['GetDevice'],
    });
    this.types = new TtlCache(typeTtlMs, now);
  }

  typeOf(deviceId: string): Promise<SensorType | undefined> {
    return this.types.get(deviceId, async (id) => (await this.fetch(id))?.type);
  }

  // Not cached: the decommissioned-device sweep asks once per interval anyway, and a cached ACTIVE
  // would hold a decommissioned device's alerts open for another cache lifetime.
  async statusOf(deviceId: string): Promise<DeviceStatus | undefined> {
    return (await this.fetch(deviceId))?.status;
  }

  close(): void {
    this.client.close();
  }

  private async fetch(deviceId: string): Promise<Device | undefined> {
    try {
      const response = await firstValueFrom(this.client.service.getDevice({ id: deviceId }));
      return response.device;
    } catch (error) {
      // An unknown (or malformed) device id is a device the registry does not know.
      if (isServiceError(error) && [status.NOT_FOUND, status.INVALID_ARGUMENT].includes(error.code)) {
        return undefined;
      }
      throw downstreamUnavailable(
        error,
        'DEVICE_REGISTRY.UNAVAILABLE',
        'the device registry did not answer about the device; retry later',
        { device_id: deviceId },
      );
    }
  }
}
