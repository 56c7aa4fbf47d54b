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
    [{ WEBHOOK_URL: 'https://a.example.com' }, 'WEBHOOK_SECRET'],
    [{ WEBHOOK_URL: 'ftp://a.example.com', WEBHOOK_SECRET: 'sixteen-chars-at-least' }, 'WEBHOOK_URL'],
    [{ WEBHOOK_URL: 'https://a.example.com', WEBHOOK_SECRET: 'short' }, 'WEBHOOK_SECRET'],
    [{ DELIVERY_MAX_ATTEMPTS: '0' }, 'DELIVERY_MAX_ATTEMPTS'],
    [{ DELIVERY_TIMEOUT_MS: '20000' }, 'DELIVERY_TIMEOUT_MS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => load(env)).toThrow(variable);
  });
});
