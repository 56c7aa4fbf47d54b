import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startOnPickedPorts } from '@iot-mesh/platform/testing';
import { Redis } from 'ioredis';

const PORT_TAKEN = 'Address already in use';

/** A redis-server on loopback: stopped as if it crashed, started again on the same port (empty), as an outage ends. */
export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** One redis-server on `port`, once it answers PING. */
async function startOnce(port: number): Promise<{ url: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'iot-mesh-redis-'));
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
    rmSync(dir, { recursive: true, force: true });
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

/**
 * A throwaway redis-server on a loopback port, without persistence: on `port`, or on a picked one
 * (picked again if another process takes it first).
 */
export async function startTestRedis(port?: number): Promise<TestRedis> {
  let server =
    port === undefined
      ? await startOnPickedPorts(
          async () => startOnce(await freePort()),
          (error) => error instanceof Error && error.message.includes(PORT_TAKEN),
        )
      : await startOnce(port);
  const onPort = Number(new URL(server.url).port);
  return {
    url: server.url,
    stop: () => server.stop(),
    restart: async () => {
      await server.stop();
      server = await startOnce(onPort);
    },
  };
}
