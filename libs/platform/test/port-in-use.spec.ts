import { createServer, type Server } from 'node:net';
import { PORT_IN_USE_EXIT_CODE } from '../src/bootstrap/listen-or-exit.js';
import { checkHealth } from '../src/client/health-check.js';
import { freePort, startOnPickedPorts } from '../src/testing/free-port.js';
import { startFixture } from '../src/testing/fixture-process.js';
import { ServiceStartError } from '../src/testing/service-process.js';

describe('a port that is already in use', () => {
  let holder: Server;
  let taken: number;

  beforeAll(async () => {
    taken = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(taken, '0.0.0.0', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it.each(['GRPC_PORT', 'ADMIN_PORT'])(
    'stops the service with exit code 75 and one line naming %s, not a stack trace',
    async (variable) => {
      const fixture = await startFixture({ env: { [variable]: String(taken) }, noWait: true });
      const { code } = await fixture.exited;
      expect(code).toBe(PORT_IN_USE_EXIT_CODE);
      expect(fixture.logs.find((l) => l.level === 'fatal')).toMatchObject({
        setting: variable,
        port: taken,
        msg: `${variable} ${taken} is already in use by another process`,
      });
      expect(fixture.stderr()).not.toContain('    at ');
    },
  );

  it('is not retried when the caller chose the port', async () => {
    // The admin port is still picked: picking it again would not free the gRPC port.
    let picks = 0;
    const pickPort = () => ((picks += 1), freePort());
    const error = await startFixture({ env: { GRPC_PORT: String(taken) }, pickPort }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ServiceStartError);
    expect(error).toMatchObject({ exitCode: PORT_IN_USE_EXIT_CODE, takenPort: 'GRPC_PORT' });
    expect(picks).toBe(1);
  });

  it('is picked again when the start picked it, and the service serves on the new one', async () => {
    const handedOut: number[] = [];
    const pickPort = async () => {
      const port = handedOut.length === 0 ? taken : await freePort();
      handedOut.push(port);
      return port;
    };
    const fixture = await startFixture({ pickPort });
    try {
      expect(handedOut[0]).toBe(taken);
      expect(handedOut).toHaveLength(4); // two ports for the failed start, two for the one that served
      expect(fixture.ports).toEqual({ GRPC_PORT: handedOut[2], ADMIN_PORT: handedOut[3] });
      expect(await checkHealth(fixture.grpcAddress)).toBe('SERVING');
    } finally {
      await fixture.stop();
    }
  });
});

describe('startOnPickedPorts', () => {
  const taken = new Error('EADDRINUSE');
  const failing = (errors: Error[]) => {
    const calls = { count: 0 };
    const start = () => {
      calls.count++;
      const error = errors.shift();
      return error ? Promise.reject(error) : Promise.resolve('started');
    };
    return { calls, start };
  };
  const portWasTaken = (error: unknown) => error === taken;

  it('starts again while the port was taken, up to three starts in all', async () => {
    const twice = failing([taken, taken]);
    await expect(startOnPickedPorts(twice.start, portWasTaken)).resolves.toBe('started');
    expect(twice.calls.count).toBe(3);
    const always = failing([taken, taken, taken, taken]);
    await expect(startOnPickedPorts(always.start, portWasTaken)).rejects.toBe(taken);
    expect(always.calls.count).toBe(3);
  });

  it('does not start again after any other failure', async () => {
    const other = new Error('bad config');
    const once = failing([other]);
    await expect(startOnPickedPorts(once.start, portWasTaken)).rejects.toBe(other);
    expect(once.calls.count).toBe(1);
  });
});
