import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { enumViolation, ValidationError } from '@iot-mesh/platform';
import {
  NOTIFICATION_SERVICE_NAME as SERVICE,
  type GetNotificationRequest,
  type GetNotificationResponse,
  type ListNotificationsRequest,
  type ListNotificationsResponse,
  type SendNotificationRequest,
  type SendNotificationResponse,
  type SendVerificationEmailRequest,
  type SendVerificationEmailResponse,
} from '@iot-mesh/proto/iotmesh/notification/v1/notification';
import { Channel, DeliveryStatus, NotificationKind } from './domain/notification.js';
import { requestFromMessage, toNotificationMessage } from './notification.mapper.js';
import { NotificationsService } from './notifications.service.js';

/** Transport for the Notification API. */
@Controller()
export class NotificationsGrpcController {
  constructor(private readonly notifications: NotificationsService) {}

  @GrpcMethod(SERVICE, 'SendNotification')
  async sendNotification(request: SendNotificationRequest): Promise<SendNotificationResponse> {
    const { notification, duplicate } = await this.notifications.send(requestFromMessage(request));
    return { notification: toNotificationMessage(notification), duplicate };
  }

  @GrpcMethod(SERVICE, 'SendVerificationEmail')
  async sendVerificationEmail(request: SendVerificationEmailRequest): Promise<SendVerificationEmailResponse> {
    const notification = await this.notifications.sendVerification({
      deviceId: request.deviceId,
      deviceName: request.deviceName,
      ownerEmail: request.ownerEmail,
    });
    return { notification: toNotificationMessage(notification) };
  }

  @GrpcMethod(SERVICE, 'GetNotification')
  async getNotification(request: GetNotificationRequest): Promise<GetNotificationResponse> {
    return { notification: toNotificationMessage(await this.notifications.get(request.id)) };
  }

  @GrpcMethod(SERVICE, 'ListNotifications')
  async listNotifications(request: ListNotificationsRequest): Promise<ListNotificationsResponse> {
    const problems = [
      enumViolation('status', request.status, DeliveryStatus, true),
      enumViolation('channel', request.channel, Channel, true),
      enumViolation('kind', request.kind, NotificationKind, true),
    ].filter((v) => v !== undefined);
    if (problems.length > 0) throw new ValidationError(problems);
    const page = await this.notifications.list(
      {
        status: request.status || undefined,
        channel: request.channel || undefined,
        kind: request.kind || undefined,
      },
      request.pageSize,
      request.pageToken,
    );
    return {
      notifications: page.notifications.map(toNotificationMessage),
      nextPageToken: page.nextPageToken,
    };
  }
}
