import { credentials, makeClientConstructor, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { FixtureDefinition, type FixtureClient } from '@iot-mesh/proto/iotmesh/testing/v1/fixture';
import { service as healthService } from 'grpc-health-check';
import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import {
  createGrpcClient,
  type GrpcClient,
  type GrpcClientOptions,
} from '../src/client/grpc-client.factory.js';

export function fixtureClient(
  address: string,
  options: Partial<GrpcClientOptions> = {},
): GrpcClient<FixtureClient> {
  return createGrpcClient<FixtureClient>(FixtureDefinition, {
    address,
    tls: { mode: 'plaintext' },
    deadlineMs: 5_000,
    ...options,
  });
}

/** An Echo request by `key` (the fixture counts its attempts per key), answered at once unless `extra` says. */
export const echo = (
  key: string,
  extra: Partial<{ delayMs: number; failCode: number; failTimes: number; relay: boolean }> = {},
) => ({
  message: key,
  delayMs: 0,
  failCode: 0,
  failTimes: 0,
  key,
  relay: false,
  ...extra,
});

/** The default policy's attempts, with backoffs short enough for a test. */
export const FAST_RETRY = { maxAttempts: 4, initialBackoffMs: 10, maxBackoffMs: 50, backoffMultiplier: 2 };

/** Runs an Echo call and returns its error (or throws if it unexpectedly succeeds). */
export async function echoError(
  client: GrpcClient<FixtureClient>,
  request: Parameters<FixtureClient['echo']>[0],
  metadata?: Metadata,
): Promise<ServiceError> {
  try {
    await firstValueFrom(client.service.echo(request, metadata));
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error('expected the call to fail');
}

export const collect = <T>(source: Observable<T>): Promise<T[]> => lastValueFrom(source.pipe(toArray()));

const HealthClient = makeClientConstructor(healthService, 'Health');
export type HealthStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN' | 'UNKNOWN';

/** A raw grpc.health.v1 Watch client (Check is the platform's own `checkHealth`). */
export function healthClient(address: string) {
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as {
    watch(req: { service: string }): NodeJS.EventEmitter & { cancel(): void };
    close(): void;
  };
  return {
    watch: (service: string) => client.watch({ service }),
    close: () => client.close(),
  };
}
