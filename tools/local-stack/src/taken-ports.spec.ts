import { createServer, type Server } from 'node:net';
import { PORT_IN_USE_EXIT_CODE } from '@iot-mesh/platform';
import { freePort, ServiceStartError } from '@iot-mesh/platform/testing';
import type { CatalogService } from './catalog.js';
import { refuseTakenPorts, takenPorts } from './taken-ports.js';

const service = (name: string, grpcPort: number, adminPort: number, httpPort?: number): CatalogService => ({
  name,
  grpcPort,
  adminPort,
  ...(httpPort ? { httpPort } : {}),
  api: `test.${name}`,
  proto: 'test.proto',
  calls: {},
});

describe('ports checked before a stack on the catalog ports starts', () => {
  const holders: Server[] = [];
  const hold = async (host: string) => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    holders.push(server);
    return port;
  };
  afterAll(async () => {
    for (const server of holders) await new Promise((resolve) => server.close(resolve));
  });

  it('finds nothing when every port is free', async () => {
    expect(await takenPorts([service('a', await freePort(), await freePort(), await freePort())])).toEqual(
      [],
    );
  });

  it('refuses before anything starts, naming each taken port, its setting and service', async () => {
    const onLoopback = await hold('127.0.0.1');
    const onEveryInterface = await hold('0.0.0.0');
    const services = [
      service('notification', await freePort(), onLoopback),
      service('edge-gateway', onEveryInterface, await freePort(), await freePort()),
    ];
    const refusal = await refuseTakenPorts(services).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ServiceStartError);
    expect(refusal).toMatchObject({ exitCode: PORT_IN_USE_EXIT_CODE, takenPort: 'ADMIN_PORT' });
    const { message } = refusal as ServiceStartError;
    expect(message).toContain(`  notification: ADMIN_PORT ${onLoopback}\n`);
    expect(message).toContain(`  edge-gateway: GRPC_PORT ${onEveryInterface}\n`);
    expect(message).toContain('another local stack (npm start) running?');
    expect(message.split('\n')).toHaveLength(4);
  });
});
