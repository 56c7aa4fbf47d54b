import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack, type Stack } from './stack.js';

export interface ScratchStack {
  stack: Stack;
  /** http://127.0.0.1:<port> of the gateway's REST API. */
  httpBaseUrl: string;
  /** Stops every service and deletes the data. */
  close(): Promise<void>;
}

/** Env that lifts the gateway's rate limits, for runs that measure the pipeline rather than the limiter. */
export const UNLIMITED_RATES: Readonly<Record<string, string>> = {
  RATE_LIMIT_DEVICE_PER_SECOND: '1000000',
  RATE_LIMIT_DEVICE_BURST: '1000000',
  RATE_LIMIT_IP_PER_SECOND: '1000000',
  RATE_LIMIT_IP_BURST: '1000000',
};

/**
 * The whole platform for a test or benchmark: a temp data dir, free loopback ports (so it runs beside a
 * developer's stack), quiet logs, and cheap API-key hashing so registering devices is quick.
 */
export async function startScratchStack(
  root: string,
  operatorToken: string,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<ScratchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-stack-'));
  const stack = await startStack(
    root,
    {
      dataDir: join(dir, 'data'),
      storage: 'sqlite',
      mtls: false,
      logLevel: 'warn',
      quiet: true,
      operatorToken,
    },
    'free',
    { API_KEY_SCRYPT_COST: '1024', ...extraEnv },
  );
  const gateway = stack.services.find((service) => service.httpPort);
  return {
    stack,
    httpBaseUrl: gateway ? `http://127.0.0.1:${gateway.httpPort}` : '',
    close: async () => {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
