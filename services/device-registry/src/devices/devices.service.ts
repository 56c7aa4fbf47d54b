import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AlreadyExistsError,
  decodePageToken,
  encodePageToken,
  FailedPreconditionError,
  NotFoundError,
  PLATFORM_LOGGER,
  requireId,
  resolvePageSize,
  ValidationError,
  requireUpdateMask,
  withMaskedChanges,
} from '@iot-mesh/platform';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { DeviceFilter, RegistryStore } from '../infrastructure/registry-store.port.js';
import { CLOCK, DEVICE_REPOSITORY, VERIFICATION_MAILER } from '../registry.di-tokens.js';
import {
  DeviceStatus,
  UPDATABLE_PATHS,
  type Device,
  type DeviceFields,
  type UpdatablePath,
} from './domain/device.js';
import { deviceFieldViolations, deviceIdViolations } from './domain/device.validation.js';
import type { VerificationMailer } from './verification-mailer.port.js';

const cursorSchema = z.object({ after: z.string() });

export interface CreateDeviceCommand {
  fields: DeviceFields;
  requestedId: string;
  sendVerificationEmail: boolean;
}

/** Use cases of the device lifecycle: register, read, list, change, decommission. */
@Injectable()
export class DevicesService {
  constructor(
    @Inject(DEVICE_REPOSITORY) private readonly store: RegistryStore,
    @Inject(VERIFICATION_MAILER) private readonly mailer: VerificationMailer,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(PLATFORM_LOGGER) private readonly logger: Logger,
  ) {}

  async create(command: CreateDeviceCommand): Promise<Device> {
    const fields = {
      ...command.fields,
      status: command.fields.status || DeviceStatus.DEVICE_STATUS_PROVISIONING,
    };
    const violations = [
      ...(command.requestedId ? deviceIdViolations(command.requestedId) : []),
      ...deviceFieldViolations(fields),
    ];
    if (violations.length > 0) throw new ValidationError(violations, 'DEVICE.INVALID');
    const now = this.now();
    const device: Device = {
      ...fields,
      id: command.requestedId || `dev-${randomBytes(6).toString('hex')}`,
      createTime: now,
      updateTime: now,
    };
    if (!(await this.store.insertDevice(device))) {
      throw new AlreadyExistsError('DEVICE.ALREADY_EXISTS', `device ${device.id} already exists`, {
        device_id: device.id,
      });
    }
    if (command.sendVerificationEmail) {
      // The device is registered either way; a failed email is logged, not fatal.
      await this.mailer
        .sendVerification(device)
        .catch((error: unknown) =>
          this.logger.warn({ err: error, deviceId: device.id }, 'verification email could not be queued'),
        );
    }
    return device;
  }

  async get(id: string): Promise<Device> {
    requireId(id);
    const device = await this.store.findDevice(id);
    if (!device) throw notFoundError(id);
    return device;
  }

  async list(
    filter: DeviceFilter,
    pageSize: number,
    pageToken: string,
  ): Promise<{ devices: Device[]; nextPageToken: string }> {
    const limit = resolvePageSize(pageSize);
    const query = ['ListDevices', filter];
    const cursor = decodePageToken(pageToken, cursorSchema, query);
    const page = await this.store.listDevices(filter, cursor?.after, limit + 1);
    const devices = page.slice(0, limit);
    const more = page.length > limit;
    return { devices, nextPageToken: more ? encodePageToken({ after: devices.at(-1)!.id }, query) : '' };
  }

  async update(id: string, changes: DeviceFields, paths: readonly string[]): Promise<Device> {
    const fieldsToChange = requireUpdateMask(paths, UPDATABLE_PATHS);
    requireId(id);
    // Applied to the device as stored while the store holds it, so no concurrent change is overwritten.
    return this.store.changeDevice(id, (current) => {
      if (!current) throw notFoundError(id);
      if (current.status === DeviceStatus.DEVICE_STATUS_DECOMMISSIONED) throw decommissionedError(id);
      const updated: Device = {
        ...withMaskedChanges<DeviceFields, UpdatablePath>(current, changes, fieldsToChange, DEVICE_FIELD_OF),
        id: current.id,
        createTime: current.createTime,
        updateTime: this.now(),
      };
      // The stored fields were valid when stored, so whatever is wrong now came with the update, except
      // an owner email kept from before the email rule was tightened: that one blocks no other change.
      const keptEmail = updated.ownerEmail === current.ownerEmail;
      const violations = deviceFieldViolations(updated).filter(
        (violation) => !(keptEmail && violation.field === 'owner_email'),
      );
      if (violations.length > 0) throw new ValidationError(violations, 'DEVICE.INVALID');
      return updated;
    });
  }

  async decommission(id: string): Promise<Device> {
    requireId(id);
    const device = await this.store.decommissionDevice(id, this.now());
    if (!device) throw notFoundError(id);
    return device;
  }
}

/** The device field each path of an update mask names. */
const DEVICE_FIELD_OF: Readonly<Record<UpdatablePath, keyof DeviceFields>> = {
  name: 'name',
  location: 'location',
  owner_email: 'ownerEmail',
  status: 'status',
  labels: 'labels',
  custom_type: 'customType',
};

const notFoundError = (id: string) =>
  new NotFoundError('DEVICE.NOT_FOUND', `device ${id} not found`, { device_id: id });

const decommissionedError = (id: string) =>
  new FailedPreconditionError('DEVICE.DECOMMISSIONED', `device ${id} is decommissioned`, { device_id: id });
