import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { optionalTimestamp } from '@iot-mesh/platform';
import {
  DEVICE_REGISTRY_SERVICE_NAME as SERVICE,
  type IssueDeviceKeyRequest,
  type IssueDeviceKeyResponse,
  type ListDeviceKeysRequest,
  type ListDeviceKeysResponse,
  type RevokeDeviceKeyRequest,
  type RevokeDeviceKeyResponse,
  type RotateDeviceKeyRequest,
  type RotateDeviceKeyResponse,
  type VerifyDeviceKeyRequest,
  type VerifyDeviceKeyResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import { toDeviceKeyMessage } from './device-key.mapper.js';
import { DeviceKeysService } from './device-keys.service.js';

/** Transport for the API-key methods of DeviceRegistry. */
@Controller()
export class DeviceKeysGrpcController {
  constructor(private readonly keys: DeviceKeysService) {}

  @GrpcMethod(SERVICE, 'IssueDeviceKey')
  async issueDeviceKey(request: IssueDeviceKeyRequest): Promise<IssueDeviceKeyResponse> {
    const issued = await this.keys.issue(request.deviceId, request.description);
    return { key: toDeviceKeyMessage(issued.key), apiKey: issued.apiKey };
  }

  @GrpcMethod(SERVICE, 'RotateDeviceKey')
  async rotateDeviceKey(request: RotateDeviceKeyRequest): Promise<RotateDeviceKeyResponse> {
    const rotated = await this.keys.rotate(request.deviceId, request.keyId);
    return {
      key: toDeviceKeyMessage(rotated.key),
      apiKey: rotated.apiKey,
      revokedKey: toDeviceKeyMessage(rotated.revoked),
    };
  }

  @GrpcMethod(SERVICE, 'RevokeDeviceKey')
  async revokeDeviceKey(request: RevokeDeviceKeyRequest): Promise<RevokeDeviceKeyResponse> {
    return { key: toDeviceKeyMessage(await this.keys.revoke(request.deviceId, request.keyId)) };
  }

  @GrpcMethod(SERVICE, 'ListDeviceKeys')
  async listDeviceKeys(request: ListDeviceKeysRequest): Promise<ListDeviceKeysResponse> {
    return { keys: (await this.keys.list(request.deviceId)).map(toDeviceKeyMessage) };
  }

  @GrpcMethod(SERVICE, 'VerifyDeviceKey')
  async verifyDeviceKey(request: VerifyDeviceKeyRequest): Promise<VerifyDeviceKeyResponse> {
    const { key, deviceStatus } = await this.keys.verify(request.apiKey);
    return {
      deviceId: key.deviceId,
      keyId: key.keyId,
      deviceStatus,
      expireTime: optionalTimestamp(key.expireTime),
    };
  }
}
