import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startStack, type Stack } from '@iot-mesh/local-stack';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OPERATOR_TOKEN = 'loadgen-test-operator-token';

export interface TestStack {
  stack: Stack;
  grpcTarget: string;
  httpBaseUrl: string;
  close(): Promise<void>;
}

/**
 * The whole platform on random loopback ports. Rate limits are lifted so that the runs measure the
 * pipeline, and key hashing is cheap so that registering a fleet is quick.
 */
export async function startTestStack(): Promise<TestStack> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-loadgen-'));
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
      API_KEY_SCRYPT_COST: '1024',
      SEND_VERIFICATION_EMAILS: 'false',
      RATE_LIMIT_DEVICE_PER_SECOND: '100000',
      RATE_LIMIT_DEVICE_BURST: '100000',
      RATE_LIMIT_IP_PER_SECOND: '100000',
      RATE_LIMIT_IP_BURST: '100000',
    },
  );
  const gateway = stack.services.find((service) => service.name === 'edge-gateway');
  if (!gateway?.httpPort) {
    await stack.stop();
    throw new Error('the edge gateway is not built (services/edge-gateway/dist)');
  }
  return {
    stack,
    grpcTarget: stack.address('edge-gateway'),
    httpBaseUrl: `http://127.0.0.1:${gateway.httpPort}`,
    close: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A GET as the operator, parsed. */
export async function operatorGet<T>(base: string, path: string): Promise<T> {
  const response = await fetch(base + path, { headers: { authorization: `Bearer ${OPERATOR_TOKEN}` } });
  if (response.status !== 200)
    throw new Error(`GET ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** Polls `probe` until `done` says its value is final (at most ~15 s); returns the last value. */
export async function settle<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await probe();
  for (let i = 0; i < 75 && !done(value); i++) {
    await sleep(200);
    value = await probe();
  }
  return value;
}
