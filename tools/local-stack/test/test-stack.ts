import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from '../src/stack.js';
import { startWebhookReceiver, type ReceivedWebhook } from './webhook-receiver.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEBHOOK_SECRET = 'stack-test-webhook-secret';
export const OPERATOR_TOKEN = 'stack-test-operator-token';

export interface TestStack {
  stack: Stack;
  webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  close(): Promise<void>;
}

/** The whole platform on random loopback ports, with a webhook receiver for alert notifications. */
export async function startTestStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-stack-'));
  const webhook = await startWebhookReceiver();
  const stack = await startStack(
    ROOT,
    {
      dataDir: join(dir, 'data'),
      storage: 'sqlite',
      mtls: false,
      logLevel: 'warn',
      quiet: true,
      operatorToken: OPERATOR_TOKEN,
    },
    'free',
    {
      WEBHOOK_URL: webhook.url,
      WEBHOOK_SECRET,
      ALERT_CHANNELS: 'webhook',
      API_KEY_SCRYPT_COST: '1024',
      ...extraEnv,
    },
  );
  return {
    stack,
    webhook,
    close: async () => {
      await stack.stop();
      await webhook.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `probe` yields a value (at most ~15 s). */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Checks the notification's HMAC exactly as a webhook receiver would. */
export function signatureIsValid(hook: ReceivedWebhook): boolean {
  const timestamp = String(hook.headers['x-iotmesh-timestamp']);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${hook.body}`).digest('hex')}`;
  return hook.headers['x-iotmesh-signature'] === expected;
}
