import { credentials, makeGenericClientConstructor } from '@grpc/grpc-js';
import { toServiceDefinition } from '@iot-mesh/platform';
import { startFixture } from '@iot-mesh/platform/testing';
import { FixtureDefinition, type EchoRequest } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
import { startChildServer } from './child-server.js';
import { cpuSeconds } from './process-cpu.js';
import { runLoad, type LoadResult } from './load-loop.js';

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

export interface HopResult extends LoadResult {
  /** The server process's CPU time per call. */
  serverCpuUsPerCall: number;
}

async function measured(pid: number, run: () => Promise<LoadResult>): Promise<HopResult> {
  const before = cpuSeconds(pid);
  const result = await run();
  const cpu = cpuSeconds(pid) - before;
  return { ...result, serverCpuUsPerCall: result.calls > 0 ? (cpu * 1e6) / result.calls : 0 };
}

/** Drives Echo on `address` with a plain grpc-js client, so both hops are measured with the same client. */
function driveEcho(address: string, concurrency: number, seconds: number): Promise<LoadResult> {
  const Client = makeGenericClientConstructor(toServiceDefinition(FixtureDefinition), 'Fixture');
  const client = new Client(address, credentials.createInsecure()) as unknown as EchoClient;
  return runLoad(
    (n) =>
      new Promise<void>((resolve, reject) =>
        client.Echo(echoRequest(n), (error) => (error ? reject(error) : resolve())),
      ),
    concurrency,
    seconds,
  ).finally(() => client.close());
}

/** (a) the floor: a plain grpc-js server answering Echo in its own process. */
export async function rawUnaryHop(concurrency: number, seconds: number): Promise<HopResult> {
  const server = await startChildServer('raw-echo-server.js');
  try {
    return await measured(server.pid, () => driveEcho(`127.0.0.1:${server.port}`, concurrency, seconds));
  } finally {
    await server.stop();
  }
}

/**
 * (b) one iot-mesh service hop: the same Echo served by a service built on the platform (NestJS,
 * metrics interceptor, tracing, exception filter) running as its own process; `tracing` false leaves
 * out the OpenTelemetry preload, to show what the gRPC instrumentation costs.
 */
export async function platformUnaryHop(
  concurrency: number,
  seconds: number,
  tracing = true,
): Promise<HopResult> {
  // Info level: the fixture's per-call debug lines would be work the raw server does not do.
  const fixture = await startFixture({ env: { LOG_LEVEL: 'info' }, tracing });
  try {
    return await measured(fixture.child.pid ?? 0, () => driveEcho(fixture.grpcAddress, concurrency, seconds));
  } finally {
    await fixture.stop('SIGTERM');
  }
}
