import { createServer } from 'node:net';
import { PORT_IN_USE_EXIT_CODE } from '@iot-mesh/platform';
import { ServiceStartError } from '@iot-mesh/platform/testing';
import type { CatalogService } from './catalog.js';

export interface TakenPort {
  service: string;
  variable: 'GRPC_PORT' | 'ADMIN_PORT' | 'HTTP_PORT';
  port: number;
}

// Where the services bind in the local stack: on loopback (GRPC_HOST, HTTP_HOST, ADMIN_HOST).
const HOSTS: Record<TakenPort['variable'], string> = {
  GRPC_PORT: '127.0.0.1',
  HTTP_PORT: '127.0.0.1',
  ADMIN_PORT: '127.0.0.1',
};

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The ports of `services` that another process holds now, found by listening on each and closing. */
export async function takenPorts(services: readonly CatalogService[]): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const service of services) {
    const ports = { GRPC_PORT: service.grpcPort, ADMIN_PORT: service.adminPort, HTTP_PORT: service.httpPort };
    for (const [variable, port] of Object.entries(ports) as [TakenPort['variable'], number | undefined][]) {
      if (port !== undefined && !(await canListen(port, HOSTS[variable])))
        taken.push({ service: service.name, variable, port });
    }
  }
  return taken;
}

/**
 * Refuses, before anything starts, a stack whose ports are taken, most likely by a stack already
 * running: its services would answer the new stack's health checks. Exit code as a service's.
 */
export async function refuseTakenPorts(services: readonly CatalogService[]): Promise<void> {
  const taken = await takenPorts(services);
  if (taken.length === 0) return;
  const names = [...new Set(taken.map((use) => use.service))];
  const lines = names.map((name) => {
    const ports = taken.filter((use) => use.service === name).map((use) => `${use.variable} ${use.port}`);
    return `  ${name}: ${ports.join(', ')}`;
  });
  throw new ServiceStartError(
    [
      'not starting: ports the stack needs are already in use:',
      ...lines,
      'Is another local stack (npm start) running? Stop it first (Ctrl+C where it runs), or free these ports.',
    ].join('\n'),
    PORT_IN_USE_EXIT_CODE,
    taken[0].variable,
  );
}
