import {
  Channel,
  DeliveryStatus,
  NotificationKind,
  queuedNotification,
} from '../../notifications/domain/notification.js';
import { afterAttempt, backoffDelay, type RetryPolicy } from './retry-policy.js';

const policy: RetryPolicy = { maxAttempts: 3, backoffMs: 1_000, maxBackoffMs: 5_000 };
const full = () => 1;
const none = () => 0;
const record = queuedNotification(
  'ntf-1',
  {
    idempotencyKey: 'k',
    kind: NotificationKind.NOTIFICATION_KIND_ALERT_FIRING,
    channel: Channel.CHANNEL_LOG,
    recipient: '',
    subject: 's',
    body: 'b',
    attributes: {},
    orderingKey: '',
  },
  1_000,
);

describe('backoff', () => {
  it('doubles after every failure up to the cap', () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, full))).toEqual([
      1_000, 2_000, 4_000, 5_000, 5_000,
    ]);
  });

  it('jitters between half and all of the delay', () => {
    expect(backoffDelay(2, policy, none)).toBe(1_000);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1_500);
  });
});

describe('attempt outcome', () => {
  it('marks a success delivered', () => {
    expect(afterAttempt(record, { ok: true }, 2_000, policy)).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 1,
      deliverTime: 2_000,
      nextAttemptTime: null,
    });
  });

  it('reschedules a failure with backoff and keeps the error', () => {
    const failed = afterAttempt(
      record,
      { ok: false, error: 'HTTP 503', permanent: false },
      2_000,
      policy,
      full,
    );
    expect(failed).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_PENDING,
      attempts: 1,
      lastError: 'HTTP 503',
      nextAttemptTime: 3_000,
    });
    const again = afterAttempt(
      failed,
      { ok: false, error: 'HTTP 502', permanent: false },
      3_000,
      policy,
      full,
    );
    expect(again.nextAttemptTime).toBe(5_000);
    expect(afterAttempt(again, { ok: true }, 5_000, policy)).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_DELIVERED,
      attempts: 3,
      lastError: 'HTTP 502',
    });
  });

  it('dead-letters after the last attempt', () => {
    let current = record;
    for (let i = 0; i < policy.maxAttempts; i++) {
      current = afterAttempt(current, { ok: false, error: 'down', permanent: false }, 2_000, policy);
    }
    expect(current).toMatchObject({
      status: DeliveryStatus.DELIVERY_STATUS_FAILED,
      attempts: 3,
      lastError: 'down',
      nextAttemptTime: null,
    });
  });

  it('dead-letters a permanent failure at once', () => {
    expect(
      afterAttempt(record, { ok: false, error: '550 no such user', permanent: true }, 2_000, policy),
    ).toMatchObject({ status: DeliveryStatus.DELIVERY_STATUS_FAILED, attempts: 1 });
  });
});
