import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query, Req } from '@nestjs/common';
import {
  Device,
  DeviceKey,
  IssueDeviceKeyResponse,
  ListDeviceKeysResponse,
  ListDevicesRequest,
  ListDevicesResponse,
  RotateDeviceKeyResponse,
} from '@iot-mesh/proto/iotmesh/device/v1/device_registry';
import type { FastifyRequest } from 'fastify';
import type { Downstream } from '../downstream/downstream-clients.js';
import { DOWNSTREAM } from '../gateway.di-tokens.js';
import { callDownstream } from './call-downstream.js';
import { parseInput } from './parse-body.js';
import { fromJsonWithEnumNumbers } from './proto-enums.js';
import { messageFromJson, messageSchema, proto3Writer } from './proto-json.js';
import { RequestAccess } from './request-access.js';
import { listDevicesQuerySchema, deviceUpdateMaskQuerySchema } from './query-schemas.js';
import { createDeviceSchema, deviceFieldsSchema, issueKeySchema } from './schemas.js';

const listDevicesSchema = messageSchema('iotmesh.device.v1.ListDevicesRequest');
const deviceJson = proto3Writer('iotmesh.device.v1.Device', Device);
const deviceKeyJson = proto3Writer('iotmesh.device.v1.DeviceKey', DeviceKey);
const devicePageJson = proto3Writer('iotmesh.device.v1.ListDevicesResponse', ListDevicesResponse);
const keyListJson = proto3Writer('iotmesh.device.v1.ListDeviceKeysResponse', ListDeviceKeysResponse);
const issuedKeyJson = proto3Writer('iotmesh.device.v1.IssueDeviceKeyResponse', IssueDeviceKeyResponse);
const rotatedKeyJson = proto3Writer('iotmesh.device.v1.RotateDeviceKeyResponse', RotateDeviceKeyResponse);
const deviceFromJson = (json: Record<string, unknown>) =>
  fromJsonWithEnumNumbers(Device, 'iotmesh.device.v1.Device', json);

/** Operators manage devices and their keys over REST; each route maps to one DeviceRegistry call. */
@Controller('api/v1/devices')
export class DevicesHttpController {
  constructor(
    @Inject(DOWNSTREAM) private readonly downstream: Downstream,
    private readonly access: RequestAccess,
  ) {}

  private get registry() {
    return this.downstream.registry;
  }

  @Post()
  @HttpCode(201)
  async create(@Req() request: FastifyRequest, @Body() body: unknown) {
    await this.access.operator(request);
    const { id, sendVerificationEmail, ...fields } = parseInput(createDeviceSchema, body);
    const response = await callDownstream(
      'device-registry',
      'CreateDevice',
      this.registry.createDevice({
        device: deviceFromJson(fields),
        deviceId: id ?? '',
        sendVerificationEmail: sendVerificationEmail ?? false,
      }),
    );
    return deviceJson(response.device!);
  }

  @Get()
  async list(@Req() request: FastifyRequest, @Query() query: unknown) {
    await this.access.operator(request);
    const q = parseInput(listDevicesQuerySchema, query, 'query');
    const response = await callDownstream(
      'device-registry',
      'ListDevices',
      // The query read as the request's proto3 JSON: an unknown type or status is a 400 naming it.
      this.registry.listDevices(messageFromJson(listDevicesSchema, ListDevicesRequest, q, 'query')),
    );
    return devicePageJson(response);
  }

  @Get(':id')
  async get(@Req() request: FastifyRequest, @Param('id') id: string) {
    await this.access.operator(request);
    return deviceJson(
      (await callDownstream('device-registry', 'GetDevice', this.registry.getDevice({ id }))).device!,
    );
  }

  @Patch(':id')
  async update(
    @Req() request: FastifyRequest,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: unknown,
  ) {
    await this.access.operator(request);
    const fields = parseInput(deviceFieldsSchema, body);
    const { updateMask } = parseInput(deviceUpdateMaskQuerySchema, query, 'query');
    const device = { ...deviceFromJson(fields), id };
    return deviceJson(
      (
        await callDownstream(
          'device-registry',
          'UpdateDevice',
          this.registry.updateDevice({ device, updateMask }),
        )
      ).device!,
    );
  }

  @Post(':id/decommission')
  @HttpCode(200)
  async decommission(@Req() request: FastifyRequest, @Param('id') id: string) {
    await this.access.operator(request);
    return deviceJson(
      (
        await callDownstream(
          'device-registry',
          'DecommissionDevice',
          this.registry.decommissionDevice({ id }),
        )
      ).device!,
    );
  }

  @Post(':id/keys')
  @HttpCode(201)
  async issueKey(@Req() request: FastifyRequest, @Param('id') deviceId: string, @Body() body: unknown) {
    await this.access.operator(request);
    const { description } = parseInput(issueKeySchema, body);
    const response = await callDownstream(
      'device-registry',
      'IssueDeviceKey',
      this.registry.issueDeviceKey({ deviceId, description: description ?? '' }),
    );
    return issuedKeyJson(response);
  }

  @Get(':id/keys')
  async listKeys(@Req() request: FastifyRequest, @Param('id') deviceId: string) {
    await this.access.operator(request);
    const response = await callDownstream(
      'device-registry',
      'ListDeviceKeys',
      this.registry.listDeviceKeys({ deviceId }),
    );
    return keyListJson(response);
  }

  @Post(':id/keys/:keyId/rotate')
  @HttpCode(200)
  async rotateKey(
    @Req() request: FastifyRequest,
    @Param('id') deviceId: string,
    @Param('keyId') keyId: string,
  ) {
    await this.access.operator(request);
    return rotatedKeyJson(
      await callDownstream(
        'device-registry',
        'RotateDeviceKey',
        this.registry.rotateDeviceKey({ deviceId, keyId }),
      ),
    );
  }

  @Post(':id/keys/:keyId/revoke')
  @HttpCode(200)
  async revokeKey(
    @Req() request: FastifyRequest,
    @Param('id') deviceId: string,
    @Param('keyId') keyId: string,
  ) {
    await this.access.operator(request);
    return deviceKeyJson(
      (
        await callDownstream(
          'device-registry',
          'RevokeDeviceKey',
          this.registry.revokeDeviceKey({ deviceId, keyId }),
        )
      ).key!,
    );
  }
}
