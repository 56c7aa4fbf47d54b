import { createHmac } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startScratchStack } from '../src/scratch-stack.js';
import type { Stack } from '../src/stack.js';
import { startWebhookReceiver, type ReceivedWebhook } from './webhook-receiver.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WEBHOOK_SECRET = 'stack-test-webhook-secret';
export const OPERATOR_TOKEN = 'stack-test-operator-token';

export interface TestStack {
  stack: Stack;
  webhook: Awaited<ReturnType<typeof startWebhookReceiver>>;
  close(): Promise<void>;
}

/** The whole platform on free loopback ports, with a webhook receiver for alert notifications. */
export async function startTestStack(extraEnv: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  const webhook = await startWebhookReceiver();
  const scratch = await startScratchStack(ROOT, OPERATOR_TOKEN, {
    WEBHOOK_URL: webhook.url,
    WEBHOOK_SECRET,
    ALERT_CHANNELS: 'webhook',
    ...extraEnv,
  });
  return {
    stack: scratch.stack,
    webhook,
    close: async () => {
      await scratch.close();
      await webhook.close();
    },
  };
}

/** Checks the notification's HMAC exactly as a webhook receiver would. */
export function signatureIsValid(hook: ReceivedWebhook): boolean {
  const timestamp = String(hook.headers['x-iotmesh-timestamp']);
  const expected = `sha256=${createHmac('sha256', WEBHOOK_SECRET).update(`${timestamp}.${hook.body}`).digest('hex')}`;
  return hook.headers['x-iotmesh-signature'] === expected;
}
