import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startOnPickedPorts } from '@iot-mesh/platform/testing';
import { Redis } from 'ioredis';

const PORT_TAKEN = 'Address already in use';

/** One redis-server on a freshly picked port, once it answers PING. */
async function startOnce(dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [server.stdout, server.stderr])
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  // Waits for the exit, so that no child process outlives the tests that use it.
  const stop = async () => {
    server.kill('SIGKILL');
    await exited;
  };
  for (let attempt = 0; attempt < 100 && server.exitCode === null; attempt++) {
    // No wait on disconnect: a refused probe's socket has closed already, and ioredis would otherwise
    // keep a timer for that close (2 s by default) that holds the test process open after its tests.
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      disconnectTimeout: 0,
    });
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      // Another process's server on the port would answer too; this one must still be running.
      if (server.exitCode === null) return { url, stop };
    } catch {
      probe.disconnect();
      await sleep(50);
    }
  }
  await stop();
  throw new Error(`redis-server did not start (is the redis-server package installed?):\n${output}`);
}

/** A throwaway redis-server on a loopback port, without persistence. */
export async function startTestRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-redis-'));
  const redis = await startOnPickedPorts(
    () => startOnce(dir),
    (error) => error instanceof Error && error.message.includes(PORT_TAKEN),
  );
  return {
    url: redis.url,
    stop: async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
