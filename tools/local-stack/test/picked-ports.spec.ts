import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHealth } from '@iot-mesh/platform';
import { freePort } from '@iot-mesh/platform/testing';
import { startStack, type Stack } from '../src/stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('a stack on picked ports', () => {
  let holder: Server;
  const held: Socket[] = [];
  let taken: number;
  let dir: string;
  let stack: Stack | undefined;
  const handedOut: { service: string; variable: string; port: number }[] = [];

  beforeAll(async () => {
    taken = await freePort();
    // It accepts and keeps connections (as a foreign server would), which the stack's health checks make.
    holder = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => holder.listen(taken, '0.0.0.0', resolve));
    dir = mkdtempSync(join(tmpdir(), 'iot-mesh-picked-'));
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  });

  it('starts a service again on other ports when another process took one before it could bind', async () => {
    // Another process holds the port picked first for the notification's gRPC and the gateway's HTTP.
    const takenFor = new Set(['notification GRPC_PORT', 'edge-gateway HTTP_PORT']);
    const pick = async (service: string, variable: string) => {
      const port = takenFor.delete(`${service} ${variable}`) ? taken : await freePort();
      handedOut.push({ service, variable, port });
      return port;
    };
    stack = await startStack(
      ROOT,
      {
        dataDir: join(dir, 'data'),
        storage: 'sqlite',
        mtls: false,
        logLevel: 'warn',
        quiet: true,
        operatorToken: 'x'.repeat(16),
      },
      pick,
    );

    const notification = stack.services.find((s) => s.name === 'notification')!;
    const gateway = stack.services.find((s) => s.name === 'edge-gateway')!;
    expect(handedOut.filter((p) => p.port === taken)).toEqual([
      { service: 'notification', variable: 'GRPC_PORT', port: taken },
      { service: 'edge-gateway', variable: 'HTTP_PORT', port: taken },
    ]);
    expect(notification.grpcPort).not.toBe(taken);
    expect(gateway.httpPort).not.toBe(taken);
    for (const service of stack.services)
      expect(await checkHealth(stack.address(service.name))).toBe('SERVING');
    expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/health`)).status).toBe(200);
    // The gateway, started after both moves, reaches every service at its new address.
    expect((await fetch(`http://127.0.0.1:${gateway.httpPort}/status`)).status).toBe(200);
  });
});
