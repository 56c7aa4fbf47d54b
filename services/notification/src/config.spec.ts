import { loadConfig } from '@iot-mesh/platform';
import { configuredChannels, notificationConfigSchema } from './config.js';
import { Channel } from './notifications/domain/notification.js';

const load = (env: Record<string, string>) => loadConfig(notificationConfigSchema, env);

describe('notification config', () => {
  it('defaults to the log channel only, with the documented delivery settings', () => {
    const config = load({});
    expect(config.platform).toMatchObject({ grpcPort: 50056, adminPort: 9466 });
    expect(config.delivery).toEqual({
      retry: { maxAttempts: 5, backoffMs: 1_000, maxBackoffMs: 300_000 },
      pollIntervalMs: 250,
      timeoutMs: 5_000,
      concurrency: 10,
    });
    expect([...configuredChannels(config)]).toEqual([Channel.CHANNEL_LOG]);
  });

  it('enables email and webhooks when configured (empty values mean off)', () => {
    const config = load({
      SMTP_URL: 'smtp://mail.example.com:25',
      SMTP_FROM: 'iot-mesh <noreply@example.com>',
      WEBHOOK_URL: 'https://a.example.com/hook, https://b.example.com/hook',
      WEBHOOK_SECRET: 'sixteen-chars-at-least',
    });
    expect(config.webhook?.urls).toEqual(['https://a.example.com/hook', 'https://b.example.com/hook']);
    expect([...configuredChannels(config)]).toEqual([
      Channel.CHANNEL_LOG,
      Channel.CHANNEL_EMAIL,
      Channel.CHANNEL_WEBHOOK,
    ]);
    expect(load({ SMTP_URL: '', WEBHOOK_URL: '' }).email).toBeUndefined();
  });

  it.each<[Record<string, string>, string]>([
    [{ SMTP_URL: 'smtp://mail.example.com' }, 'SMTP_FROM'],
    [{ SMTP_URL: 'http://mail.example.com', SMTP_FROM: 'a@example.com' }, 'SMTP_URL'],
    // Half of a channel's settings: the channel would be off without a word.
    [{ SMTP_FROM: 'a@example.com' }, 'SMTP_URL: required when SMTP_FROM is set'],
    [{ WEBHOOK_SECRET: 'sixteen-chars-at-least' }, 'WEBHOOK_URL: required when WEBHOOK_SECRET is set'],
    [{ WEBHOOK_URL: 'https://a.example.com' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'ftp://a.example.com', WEBHOOK_SECRET: 'sixteen-chars-at-least' }, 'WEBHOOK_URL'],
    [{ WEBHOOK_URL: 'https://a.example.com', WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET'],
    // fetch refuses a URL with credentials, on every attempt.
    [
      {
        WEBHOOK_URL: 'https://a.example.com/x,https://u:p@b.example.com/',
        WEBHOOK_SECRET: 'sixteen-chars-at-least',
      },
      'WEBHOOK_URL: must not hold user:password@',
    ],
    [{ DELIVERY_MAX_ATTEMPTS: '0' }, 'DELIVERY_MAX_ATTEMPTS'],
    [{ DELIVERY_TIMEOUT_MS: '20000' }, 'DELIVERY_TIMEOUT_MS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(variable);
  });

  it.each(['noreply@example.com', 'iot-mesh <noreply@example.com>', '"Ops, Team" <ops@example.com>'])(
    'takes the sender %j',
    (from) => {
      expect(load({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: from }).email?.from).toBe(from);
    },
  );

  // Each would leave nodemailer without a sender address: no From header, MAIL FROM:<>.
  it.each([
    'Ops Team',
    'alerts',
    'a@example.com, b@example.com',
    'team: a@example.com;',
    'Ops <ops@localhost>',
    'Ops <ops,admin@example.com>',
  ])('refuses the sender %j', (from) => {
    expect(() => load({ SMTP_URL: 'smtp://mail.example.com', SMTP_FROM: from })).toThrow(
      'SMTP_FROM: must be an email address, alone or as Name <address>, and only one',
    );
  });
});
