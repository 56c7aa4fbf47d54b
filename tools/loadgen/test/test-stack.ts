import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startScratchStack, UNLIMITED_RATES, type Stack } from '@iot-mesh/local-stack';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const OPERATOR_TOKEN = 'loadgen-test-operator-token';

export interface TestStack {
  stack: Stack;
  grpcTarget: string;
  httpBaseUrl: string;
  close(): Promise<void>;
}

/**
 * The whole platform on free loopback ports. Rate limits are lifted so that the runs measure the
 * pipeline, and key hashing is cheap so that registering a fleet is quick.
 */
export async function startTestStack(): Promise<TestStack> {
  const scratch = await startScratchStack(ROOT, OPERATOR_TOKEN, {
    SEND_VERIFICATION_EMAILS: 'false',
    ...UNLIMITED_RATES,
  });
  if (!scratch.httpBaseUrl) {
    await scratch.close();
    throw new Error('the edge gateway is not built (services/edge-gateway/dist)');
  }
  return {
    stack: scratch.stack,
    grpcTarget: scratch.stack.address('edge-gateway'),
    httpBaseUrl: scratch.httpBaseUrl,
    close: () => scratch.close(),
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
