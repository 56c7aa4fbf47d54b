import { ConfigError, loadConfig } from '@iot-mesh/platform';
import { alertConfigSchema } from './config.js';

describe('alert manager config', () => {
  it('has working defaults', () => {
    const config = loadConfig(alertConfigSchema, {});
    expect(config.platform).toMatchObject({ grpcPort: 50055, adminPort: 9465, serviceName: 'alert-manager' });
    expect(config).toMatchObject({
      deviceRegistryAddress: '127.0.0.1:50052',
      notificationAddress: '127.0.0.1:50056',
      deviceCacheTtlMs: 30_000,
      ruleCacheTtlMs: 2_000,
      deviceSweepIntervalMs: 60_000,
      alertChannels: { channels: ['log'], emailTo: '' },
      storage: { kind: 'sqlite' },
    });
  });

  it('reads the channel list', () => {
    const config = loadConfig(alertConfigSchema, {
      ALERT_CHANNELS: ' log, email ,webhook,log',
      ALERT_EMAIL_TO: 'ops@example.com',
    });
    expect(config.alertChannels).toEqual({
      channels: ['log', 'email', 'webhook'],
      emailTo: 'ops@example.com',
    });
  });

  it('keeps resolved alerts 30 days by default, in whole hours of at least one', () => {
    expect(loadConfig(alertConfigSchema, {}).retention).toEqual({
      historyMs: 720 * 3_600_000,
      pruneIntervalMs: 600_000,
    });
    for (const bad of ['0', '2.5', 'month'])
      expect(() => loadConfig(alertConfigSchema, { ALERT_RETENTION_HOURS: bad })).toThrow(
        'ALERT_RETENTION_HOURS',
      );
  });

  it('turns the decommissioned-device sweep off with zero', () => {
    expect(loadConfig(alertConfigSchema, { DEVICE_SWEEP_INTERVAL_MS: '0' }).deviceSweepIntervalMs).toBe(0);
  });

  it.each([
    [{ ALERT_CHANNELS: 'log,sms' }, 'ALERT_CHANNELS'],
    [{ ALERT_CHANNELS: ' , ' }, 'ALERT_CHANNELS'],
    [{ ALERT_CHANNELS: 'email' }, 'ALERT_EMAIL_TO'],
    [{ ALERT_EMAIL_TO: 'nope' }, 'ALERT_EMAIL_TO'],
    // Addresses the notification service refuses: every email notification would be refused for good.
    [{ ALERT_EMAIL_TO: '"ops"@example.com' }, 'ALERT_EMAIL_TO'],
    // Read by mail software as another address (ops@example.com) or as a group: the platform's rule.
    [{ ALERT_EMAIL_TO: 'ops(team)@example.com' }, 'ALERT_EMAIL_TO'],
    [{ ALERT_EMAIL_TO: 'team:ops@example.com' }, 'ALERT_EMAIL_TO'],
    [{ ALERT_EMAIL_TO: `${'a'.repeat(64)}@${'b'.repeat(186)}.com` }, 'ALERT_EMAIL_TO'],
    [{ DEVICE_CACHE_TTL_MS: '-1' }, 'DEVICE_CACHE_TTL_MS'],
    [{ RULE_CACHE_TTL_MS: '-1' }, 'RULE_CACHE_TTL_MS'],
    [{ DEVICE_SWEEP_INTERVAL_MS: '-1' }, 'DEVICE_SWEEP_INTERVAL_MS'],
    [{ DEVICE_SWEEP_INTERVAL_MS: '1.5' }, 'DEVICE_SWEEP_INTERVAL_MS'],
    [{ DEVICE_SWEEP_INTERVAL_MS: 'soon' }, 'DEVICE_SWEEP_INTERVAL_MS'],
    [{ DEVICE_SWEEP_INTERVAL_MS: '2147483648' }, 'DEVICE_SWEEP_INTERVAL_MS'],
  ])('refuses %o naming %s', (env, variable) => {
    expect(() => loadConfig(alertConfigSchema, env)).toThrow(ConfigError);
    expect(() => loadConfig(alertConfigSchema, env)).toThrow(variable);
  });
});
