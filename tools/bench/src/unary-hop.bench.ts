import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { toServiceDefinition } from '@iot-mesh/platform';
import { FIXTURE_V8_ARGS, startFixture } from '@iot-mesh/platform/testing';
import { FixtureDefinition, type EchoRequest } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
import { startChildServer } from './child-server.js';
import { cpuSeconds } from './process-cpu.js';
import { interleavedRounds, type InterleavedResult, type Side } from './interleaved-rounds.js';
import { runLoad } from './load-loop.js';

type EchoClient = {
  Echo(request: EchoRequest, callback: (error: Error | null) => void): void;
  close(): void;
};

const echoRequest = (n: number): EchoRequest => ({
  message: `bench-${n}`,
  delayMs: 0,
  failCode: 0,
  failTimes: 0,
  key: 'bench',
  relay: false,
});

/** A server answering Echo in its own process. */
interface EchoServer {
  pid: number;
  address: string;
  stop(): Promise<void>;
}

/**
 * (a) the floor: a plain grpc-js server answering Echo in its own process, under Node's own V8
 * settings, or (a') under those the platform's services run with (`v8Args`), as (b) does.
 */
async function rawEchoServer(v8Args: readonly string[] = []): Promise<EchoServer> {
  const server = await startChildServer('raw-echo-server.js', v8Args);
  return { pid: server.pid, address: `127.0.0.1:${server.port}`, stop: () => server.stop() };
}

/**
 * (b) one iot-mesh service hop: the same Echo served by a service built on the platform (NestJS,
 * metrics interceptor, tracing, exception filter) running as its own process; `tracing` false leaves
 * out the OpenTelemetry preload, to show what the gRPC instrumentation costs.
 */
async function platformEchoServer(tracing: boolean): Promise<EchoServer> {
  // Info level: the fixture's per-call debug lines would be work the raw server does not do.
  const fixture = await startFixture({ env: { LOG_LEVEL: 'info' }, tracing });
  return {
    pid: fixture.child.pid ?? 0,
    address: fixture.grpcAddress,
    stop: async () => {
      await fixture.stop('SIGTERM');
    },
  };
}

/** Drives Echo on a server with one plain grpc-js client, the same client code for every server. */
function echoSide(server: EchoServer, concurrency: number, client: EchoClient): Side {
  return async (seconds) => {
    const before = cpuSeconds(server.pid);
    const result = await runLoad(
      (n) =>
        new Promise<void>((resolve, reject) =>
          client.Echo(echoRequest(n), (error) => (error ? reject(error) : resolve())),
        ),
      concurrency,
      seconds,
    );
    return { ...result, serverCpuSeconds: cpuSeconds(server.pid) - before };
  };
}

export interface UnaryHops {
  raw: InterleavedResult;
  /** The raw server under the services' V8 settings: how much of b/a is those settings, not the platform. */
  rawServiceV8: InterleavedResult;
  platform: InterleavedResult;
  platformUntraced: InterleavedResult;
}

/**
 * (a), (a'), (b) and (b'): the four servers run side by side and are driven in turn, `rounds` rounds of
 * `seconds / rounds` each after a warm-up, so that their ratios are taken at the same moments.
 */
export async function unaryHops(
  concurrency: number,
  seconds: number,
  rounds: number,
  warmupSeconds: number,
): Promise<UnaryHops> {
  const servers: EchoServer[] = [];
  const clients: EchoClient[] = [];
  try {
    // One at a time, so that the ones started are stopped if a later one fails to start.
    servers.push(await rawEchoServer());
    servers.push(await rawEchoServer(FIXTURE_V8_ARGS));
    servers.push(await platformEchoServer(true));
    servers.push(await platformEchoServer(false));
    const Client = makeGenericClientConstructor(toServiceDefinition(FixtureDefinition), 'Fixture');
    const sides = servers.map((server) => {
      const client = new Client(server.address, credentials.createInsecure()) as unknown as EchoClient;
      clients.push(client);
      return echoSide(server, concurrency, client);
    });
    const [raw, rawServiceV8, platform, platformUntraced] = await interleavedRounds(sides, {
      rounds,
      roundSeconds: seconds / rounds,
      warmupSeconds,
    });
    return { raw, rawServiceV8, platform, platformUntraced };
  } finally {
    for (const client of clients) client.close();
    await Promise.all(servers.map((server) => server.stop()));
  }
}
