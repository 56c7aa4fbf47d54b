import { status } from '@grpc/grpc-js';
import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  DeviceRegistryDefinition,
  type DeviceRegistryClient,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { firstValueFrom } from 'rxjs';
import type { DeviceDirectory } from '../readings/device-directory.port.js';
import type { DeviceState } from '../readings/domain/device-state.js';
import { isServiceError, unavailableOr } from './downstream-failure.js';

export interface GrpcDeviceDirectorySettings {
  address: string;
  tls: TlsSettings;
  deadlineMs: number;
}

/** Asks the device registry (GetDevice, read-only and so retried on UNAVAILABLE). */
export class GrpcDeviceDirectory implements DeviceDirectory {
  private readonly client: GrpcClient<DeviceRegistryClient>;

  constructor(settings: GrpcDeviceDirectorySettings) {
    this.client = createGrpcClient<DeviceRegistryClient>(DeviceRegistryDefinition, {
      address: settings.address,
      tls: settings.tls,
      deadlineMs: settings.deadlineMs,
      idempotentMethods: ['GetDevice'],
    });
  }

  async stateOf(deviceId: string): Promise<DeviceState> {
    try {
      const { device } = await firstValueFrom(this.client.service.getDevice({ id: deviceId }));
      if (!device) throw new Error(`GetDevice answered without a device for ${deviceId}`);
      return { known: true, status: device.status };
    } catch (error) {
      if (isServiceError(error) && error.code === status.NOT_FOUND) return { known: false };
      // The device's state is not known: fail the call rather than reject the reading.
      return unavailableOr(error, 'DEVICE_REGISTRY.UNAVAILABLE', 'device registry did not answer', {
        device_id: deviceId,
      });
    }
  }

  close(): void {
    this.client.close();
  }
}
