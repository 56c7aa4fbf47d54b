import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import {
  DEVICE_REGISTRY_SERVICE_NAME as SERVICE,
  type CreateDeviceRequest,
  type CreateDeviceResponse,
  type DecommissionDeviceRequest,
  type DecommissionDeviceResponse,
  type GetDeviceRequest,
  type GetDeviceResponse,
  type ListDevicesRequest,
  type ListDevicesResponse,
  type UpdateDeviceRequest,
  type UpdateDeviceResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { enumViolation, ValidationError } from '@iot-mesh/platform';
import { SensorType } from '@iot-mesh/proto/iotmesh/telemetry/v1/reading';
import { fieldsFromMessage, toDeviceMessage } from './device.mapper.js';
import { DevicesService } from './devices.service.js';
import { DeviceStatus } from './domain/device.js';

/** Transport for the device methods of DeviceRegistry (the key methods have their own controller). */
@Controller()
export class DevicesGrpcController {
  constructor(private readonly devices: DevicesService) {}

  @GrpcMethod(SERVICE, 'CreateDevice')
  async createDevice(request: CreateDeviceRequest): Promise<CreateDeviceResponse> {
    const device = await this.devices.create({
      fields: fieldsFromMessage(request.device),
      requestedId: request.deviceId,
      sendVerificationEmail: request.sendVerificationEmail,
    });
    return { device: toDeviceMessage(device) };
  }

  @GrpcMethod(SERVICE, 'GetDevice')
  async getDevice(request: GetDeviceRequest): Promise<GetDeviceResponse> {
    return { device: toDeviceMessage(await this.devices.get(request.id)) };
  }

  @GrpcMethod(SERVICE, 'ListDevices')
  async listDevices(request: ListDevicesRequest): Promise<ListDevicesResponse> {
    const violations = [
      enumViolation('type', request.type, SensorType, true),
      enumViolation('status', request.status, DeviceStatus, true),
    ];
    const problems = violations.filter((v) => v !== undefined);
    if (problems.length > 0) throw new ValidationError(problems);
    const page = await this.devices.list(
      {
        type: request.type || undefined,
        status: request.status || undefined,
        site: request.site || undefined,
      },
      request.pageSize,
      request.pageToken,
    );
    return { devices: page.devices.map(toDeviceMessage), nextPageToken: page.nextPageToken };
  }

  @GrpcMethod(SERVICE, 'UpdateDevice')
  async updateDevice(request: UpdateDeviceRequest): Promise<UpdateDeviceResponse> {
    const device = await this.devices.update(
      request.device?.id ?? '',
      fieldsFromMessage(request.device),
      request.updateMask ?? [],
    );
    return { device: toDeviceMessage(device) };
  }

  @GrpcMethod(SERVICE, 'DecommissionDevice')
  async decommissionDevice(request: DecommissionDeviceRequest): Promise<DecommissionDeviceResponse> {
    return { device: toDeviceMessage(await this.devices.decommission(request.id)) };
  }
}
