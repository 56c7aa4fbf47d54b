import { createGrpcClient, type GrpcClient, type TlsSettings } from '@iot-mesh/platform';
import {
  NotificationDefinition,
  type NotificationClient,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { firstValueFrom } from 'rxjs';
import type { Device } from '../devices/domain/device.js';
import type { VerificationMailer } from '../devices/verification-mailer.port.js';

/** Asks the notification service to email the device owner; the call is idempotent per device. */
export class GrpcVerificationMailer implements VerificationMailer {
  private readonly client: GrpcClient<NotificationClient>;

  constructor(address: string, tls: TlsSettings) {
    this.client = createGrpcClient<NotificationClient>(NotificationDefinition, {
      address,
      tls,
      deadlineMs: 3_000,
      idempotentMethods: ['SendVerificationEmail'],
    });
  }

  async sendVerification(device: Device): Promise<void> {
    await firstValueFrom(
      this.client.service.sendVerificationEmail({
        deviceId: device.id,
        deviceName: device.name,
        ownerEmail: device.ownerEmail,
      }),
    );
  }

  close(): void {
    this.client.close();
  }
}
