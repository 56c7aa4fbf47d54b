import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  decodePageToken,
  encodePageToken,
  FailedPreconditionError,
  METRICS_REGISTRY,
  NotFoundError,
  resolvePageSize,
  ValidationError,
} from '@iot-mesh/platform';
import { Counter, type Registry } from 'prom-client';
import { z } from 'zod';
import { configuredChannels, type NotificationConfig } from '../config.js';
import type { NotificationFilter, NotificationStore } from '../infrastructure/notification-store.port.js';
import { CLOCK, NOTIFICATION_CONFIG, NOTIFICATION_STORE } from '../notification.di-tokens.js';
import {
  Channel,
  CHANNEL_NAMES,
  NotificationKind,
  queuedNotification,
  type Notification,
  type NotificationRequest,
} from './domain/notification.js';
import { notificationViolations } from './domain/notification.validation.js';
import {
  verificationNotification,
  verificationViolations,
  type DeviceVerification,
} from './domain/verification-message.js';

const cursorSchema = z.object({ t: z.number().int(), id: z.string() });

export interface Queued {
  notification: Notification;
  /** The idempotency key was seen before; nothing new was queued. */
  duplicate: boolean;
}

/** Use cases of the outbox: queue notifications (idempotently) and read them back. */
@Injectable()
export class NotificationsService {
  private readonly channels: ReadonlySet<Channel>;
  private readonly webhookUrls: readonly string[];
  private readonly queued: Counter<'channel' | 'kind'>;

  constructor(
    @Inject(NOTIFICATION_STORE) private readonly store: NotificationStore,
    @Inject(NOTIFICATION_CONFIG) config: NotificationConfig,
    @Inject(CLOCK) private readonly now: () => number,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.channels = configuredChannels(config);
    this.webhookUrls = config.webhook?.urls ?? [];
    this.queued = new Counter({
      name: 'notification_queued_total',
      help: 'Notifications queued in the outbox (duplicates not counted)',
      labelNames: ['channel', 'kind'],
      registers: [registry],
    });
  }

  async send(request: NotificationRequest): Promise<Queued> {
    const violations = notificationViolations(request, this.webhookUrls);
    if (violations.length > 0) throw new ValidationError(violations, 'NOTIFICATION.INVALID');
    // A retried request gets its first answer back, even if the configuration changed since.
    const existing = await this.store.findByIdempotencyKey(request.idempotencyKey);
    if (existing) return { notification: existing, duplicate: true };
    if (!this.channels.has(request.channel)) {
      const channel = CHANNEL_NAMES[request.channel];
      throw new FailedPreconditionError(
        'NOTIFICATION.CHANNEL_NOT_CONFIGURED',
        `the ${channel} channel is not configured on this service`,
        { channel },
      );
    }
    // An empty webhook recipient means the default URL; the record shows where it goes.
    const recipient =
      request.channel === Channel.CHANNEL_WEBHOOK && request.recipient === ''
        ? this.webhookUrls[0]
        : request.recipient;
    const notification = queuedNotification(
      `ntf-${randomBytes(8).toString('hex')}`,
      { ...request, recipient },
      this.now(),
    );
    if (!(await this.store.insert(notification))) {
      // A concurrent request with the same key won the race.
      const winner = await this.store.findByIdempotencyKey(request.idempotencyKey);
      if (winner) return { notification: winner, duplicate: true };
      throw new Error(`notification with key ${request.idempotencyKey} neither inserted nor found`);
    }
    this.queued.inc({
      channel: CHANNEL_NAMES[notification.channel],
      kind: NotificationKind[notification.kind],
    });
    return { notification, duplicate: false };
  }

  /** The owner's verification message: by email when SMTP is configured, else to the log. */
  async sendVerification(request: DeviceVerification): Promise<Notification> {
    const violations = verificationViolations(request);
    if (violations.length > 0) throw new ValidationError(violations, 'NOTIFICATION.INVALID');
    const channel = this.channels.has(Channel.CHANNEL_EMAIL) ? Channel.CHANNEL_EMAIL : Channel.CHANNEL_LOG;
    return (await this.send(verificationNotification(request, channel))).notification;
  }

  async get(id: string): Promise<Notification> {
    if (id === '') {
      throw new ValidationError([
        { field: 'id', reason: 'FIELD.REQUIRED', description: 'must not be empty' },
      ]);
    }
    const notification = await this.store.findById(id);
    if (!notification) {
      throw new NotFoundError('NOTIFICATION.NOT_FOUND', `notification ${id} not found`, {
        notification_id: id,
      });
    }
    return notification;
  }

  async list(
    filter: NotificationFilter,
    pageSize: number,
    pageToken: string,
  ): Promise<{ notifications: Notification[]; nextPageToken: string }> {
    const limit = resolvePageSize(pageSize);
    const query = ['ListNotifications', filter];
    const cursor = decodePageToken(pageToken, cursorSchema, query);
    const page = await this.store.list(filter, cursor && { createTime: cursor.t, id: cursor.id }, limit + 1);
    const notifications = page.slice(0, limit);
    const last = notifications.at(-1);
    const nextPageToken =
      page.length > limit && last ? encodePageToken({ t: last.createTime, id: last.id }, query) : '';
    return { notifications, nextPageToken };
  }
}
