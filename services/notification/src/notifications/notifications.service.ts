import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AlreadyExistsError,
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
  sameRequest,
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

/**
 * The first answer again for a retry; a key reused for another notification is refused, as its first
 * answer would say the new one was queued when it was not.
 */
function retried(
  stored: Notification,
  request: NotificationRequest,
  sameAs: (stored: Notification, request: NotificationRequest) => boolean,
): Queued {
  if (sameAs(stored, request)) return { notification: stored, duplicate: true };
  throw new AlreadyExistsError(
    'NOTIFICATION.IDEMPOTENCY_KEY_REUSED',
    `idempotency key ${request.idempotencyKey} was used for another notification; use a new key`,
    { idempotency_key: request.idempotencyKey, notification_id: stored.id },
  );
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

  /**
   * Queues a notification once per idempotency key. `sameAs` tells a retry from another notification
   * under a used key; by default the request must match what was stored.
   */
  async send(
    request: NotificationRequest,
    sameAs = (stored: Notification, retry: NotificationRequest) =>
      sameRequest(stored, retry, this.webhookUrls[0]),
  ): Promise<Queued> {
    const violations = notificationViolations(request, this.webhookUrls);
    if (violations.length > 0) throw new ValidationError(violations, 'NOTIFICATION.INVALID');
    // A retried request gets its first answer back, even if the configuration changed since.
    const existing = await this.store.findByIdempotencyKey(request.idempotencyKey);
    if (existing) return retried(existing, request, sameAs);
    if (!this.channels.has(request.channel)) {
      const channel = CHANNEL_NAMES[request.channel];
      throw new FailedPreconditionError(
        'NOTIFICATION.CHANNEL_NOT_CONFIGURED',
        `the ${channel} channel is not configured on this service`,
        { channel },
      );
    }
    // An empty webhook recipient is stored as it is, the default webhook: the transport takes the first
    // URL of the moment, so a WEBHOOK_URL changed meanwhile takes the pending ones along, in order.
    const notification = queuedNotification(`ntf-${randomBytes(8).toString('hex')}`, request, this.now());
    if (!(await this.store.insert(notification))) {
      // A concurrent request with the same key won the race.
      const winner = await this.store.findByIdempotencyKey(request.idempotencyKey);
      if (winner) return retried(winner, request, sameAs);
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
    // Its key names the device: any message stored under it is this verification, sent with the
    // configuration of then (its channel may have changed since).
    return (await this.send(verificationNotification(request, channel), () => true)).notification;
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
