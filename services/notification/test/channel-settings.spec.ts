import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceStartError, startFailure } from '@iot-mesh/platform/testing';
import { startNotification } from './notification-process.js';

const SECRET = 'test-webhook-secret-0123456789';

// A channel's settings that would start the service with the channel off, or sending mail without a
// sender: each stops it with exit 78 (EX_CONFIG) and a line naming what to fix.
describe('the notification service with a channel half configured', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'notification-settings-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each<[string, Record<string, string>, string]>([
    [
      'a sender that is no address',
      { SMTP_URL: 'smtp://127.0.0.1:25', SMTP_FROM: 'Ops Team' },
      'SMTP_FROM: must be an email address, alone or as Name <address>, and only one',
    ],
    [
      'SMTP_FROM without SMTP_URL',
      { SMTP_FROM: 'noreply@example.com' },
      'SMTP_URL: required when SMTP_FROM is set',
    ],
    [
      'WEBHOOK_SECRET without WEBHOOK_URL',
      { WEBHOOK_SECRET: SECRET },
      'WEBHOOK_URL: required when WEBHOOK_SECRET is set',
    ],
  ])('refuses to start with %s', async (_case, env, message) => {
    const failure = await startFailure(startNotification({ DATA_DIR: dataDir, ...env }));

    expect(failure).toBeInstanceOf(ServiceStartError);
    expect((failure as ServiceStartError).exitCode).toBe(78);
    expect((failure as ServiceStartError).message).toContain(message);
  });
});
